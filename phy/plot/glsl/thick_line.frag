#version 330 core
// Antialiased thick line: the coverage of a pixel falls from 1 to 0 over one pixel across the
// edge of the segment's capsule (round caps, hence round joins between segments).
in vec4 v_color;
in vec2 v_local;
in float v_length;
in float v_width;
out vec4 out_color;

void main() {
    float outside = max(max(-v_local.x, v_local.x - v_length), 0.0);
    float dist = length(vec2(outside, v_local.y));
    // A line thinner than one pixel is drawn one pixel wide, fainter.
    float coverage = clamp(0.5 * max(v_width, 1.0) + 0.5 - dist, 0.0, 1.0) * min(v_width, 1.0);
    if (coverage <= 0.0)
        discard;
    out_color = vec4(v_color.rgb, v_color.a * coverage);
}
