#version 330 core
#include "utils.glsl"
#include "precise.glsl"
in vec2 a_position;     // The float64 NDC position rounded to float32,
in vec2 a_position_lo;  // and the rest (see precise.glsl).
in float a_mask;
uniform vec4 u_color;
uniform float u_size;
uniform float u_pixel_ratio;
out vec4 v_color;
out float v_size;

void main() {
    gl_Position = vec4(transform_precise(a_position, a_position_lo), 0.0, 1.0);
    v_color = apply_mask(u_color, a_mask);
    v_size = u_size * u_pixel_ratio;
    gl_PointSize = v_size + 2.0;
}
