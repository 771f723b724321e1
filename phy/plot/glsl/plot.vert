#version 330 core
#include "utils.glsl"
in vec2 a_position;
in float a_plot_index;
// Two texels per plot: the color, then (depth, mask, 0, 0).
uniform sampler2D u_plot_data;
out vec4 v_color;

void main() {
    int i = int(a_plot_index);
    vec4 color = fetch_item(u_plot_data, 2 * i);
    vec4 extra = fetch_item(u_plot_data, 2 * i + 1);
    gl_Position = transform(a_position);
    gl_Position.z = depth_to_z(extra.x);
    v_color = apply_mask(color, extra.y);
}
