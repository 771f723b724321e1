#version 330 core
#include "utils.glsl"
in vec2 a_position;
in float a_plot_index;
// One texel per plot: (mask, 0, 0, 0).
uniform sampler2D u_plot_data;
uniform vec4 u_color;
uniform float u_depth;
out vec4 v_color;

void main() {
    float mask = fetch_item(u_plot_data, int(a_plot_index)).x;
    gl_Position = transform(a_position);
    gl_Position.z = depth_to_z(u_depth);
    v_color = apply_mask(u_color, mask);
}
