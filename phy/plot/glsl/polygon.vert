#version 330 core
in vec2 a_position;
uniform vec4 u_color;
out vec4 v_color;

void main() {
    gl_Position = transform(a_position);
    v_color = u_color;
}
