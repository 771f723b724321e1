#version 330 core
in vec2 v_tex_coords;
uniform sampler2D u_atlas;
uniform vec4 u_color;
out vec4 out_color;

void main() {
    float coverage = texture(u_atlas, v_tex_coords).r;
    if (coverage <= 0.0) discard;
    out_color = vec4(u_color.rgb, u_color.a * coverage);
}
