#version 330 core
#include "utils.glsl"
in vec2 a_position;
in float a_mask;
uniform vec4 u_color;
uniform float u_size;
uniform float u_pixel_ratio;
out vec4 v_color;
out float v_size;

void main() {
    gl_Position = transform(a_position);
    v_color = apply_mask(u_color, a_mask);
    v_size = u_size * u_pixel_ratio;
    gl_PointSize = v_size + 2.0;
}
