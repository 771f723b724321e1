#version 330 core
// The simplest shader: positions and one uniform color (set_shader('simple')).
in vec2 a_position;

void main() {
    gl_Position = transform(a_position);
}
