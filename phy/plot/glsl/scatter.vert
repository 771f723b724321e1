#version 330 core
#include "utils.glsl"
#include "precise.glsl"
in vec2 a_position;     // The float64 NDC position rounded to float32,
in vec2 a_position_lo;  // and the rest (see precise.glsl).
in vec4 a_color;
in float a_size;
in float a_depth;
uniform float u_pixel_ratio;
out vec4 v_color;
out float v_size;

void main() {
    gl_Position = vec4(transform_precise(a_position, a_position_lo), depth_to_z(a_depth), 1.0);
    v_color = a_color;
    v_size = a_size * u_pixel_ratio;
    // One pixel of margin on each side for the antialiased edge.
    gl_PointSize = v_size + 2.0;
}
