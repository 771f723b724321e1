#version 330 core
in vec2 v_tex_coords;
in vec4 v_color;
uniform sampler2D u_atlas;
out vec4 out_color;

void main() {
    float coverage = texture(u_atlas, v_tex_coords).r;
    if (coverage <= 0.0) discard;
    out_color = vec4(v_color.rgb, v_color.a * coverage);
}
