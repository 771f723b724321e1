#version 330 core
// Draws the marker function `float marker(vec2 p, float r)` inserted in the header: the signed
// distance in pixels from p (relative to the center, y upwards) to a marker of radius r.
in vec4 v_color;
in float v_size;
out vec4 out_color;

void main() {
    vec2 p = (gl_PointCoord - 0.5) * (v_size + 2.0) * vec2(1.0, -1.0);
    float d = marker(p, 0.5 * v_size);
    float alpha = clamp(0.5 - d, 0.0, 1.0);
    if (alpha <= 0.0) discard;
    out_color = vec4(v_color.rgb, v_color.a * alpha);
}
