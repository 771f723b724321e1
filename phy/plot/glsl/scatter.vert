#version 330 core
#include "utils.glsl"
in vec2 a_position;
in vec4 a_color;
in float a_size;
in float a_depth;
uniform float u_pixel_ratio;
out vec4 v_color;
out float v_size;

void main() {
    gl_Position = transform(a_position);
    gl_Position.z = depth_to_z(a_depth);
    v_color = a_color;
    v_size = a_size * u_pixel_ratio;
    // One pixel of margin on each side for the antialiased edge.
    gl_PointSize = v_size + 2.0;
}
