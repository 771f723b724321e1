#version 330 core
#include "utils.glsl"
#include "precise.glsl"
in vec2 a_position;     // The float64 NDC position rounded to float32,
in vec2 a_position_lo;  // and the rest (see precise.glsl).
in float a_plot_index;
// Two texels per plot: the color, then (depth, mask, 0, 0).
uniform sampler2D u_plot_data;
// One color per vertex (normalized uint8), used instead of the plot color when set.
uniform sampler2D u_vertex_colors;
uniform bool u_has_vertex_colors;
out vec4 v_color;

void main() {
    int i = int(a_plot_index);
    vec4 color = u_has_vertex_colors ?
        fetch_item(u_vertex_colors, gl_VertexID) : fetch_item(u_plot_data, 2 * i);
    vec4 extra = fetch_item(u_plot_data, 2 * i + 1);
    gl_Position = vec4(transform_precise(a_position, a_position_lo), depth_to_z(extra.x), 1.0);
    v_color = apply_mask(color, extra.y);
}
