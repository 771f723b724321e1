#version 330 core
#include "utils.glsl"
#include "precise.glsl"
in vec2 a_position;     // The float64 NDC position rounded to float32,
in vec2 a_position_lo;  // and the rest (see precise.glsl).
in float a_plot_index;
// One texel per plot: (mask, 0, 0, 0).
uniform sampler2D u_plot_data;
uniform vec4 u_color;
uniform float u_depth;
out vec4 v_color;

void main() {
    float mask = fetch_item(u_plot_data, int(a_plot_index)).x;
    gl_Position = vec4(transform_precise(a_position, a_position_lo), depth_to_z(u_depth), 1.0);
    v_color = apply_mask(u_color, mask);
}
