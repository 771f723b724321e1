// Marker: tag.
float marker(vec2 p, float r) {
    // A price tag pointing right, with a hole.
    float body = sd_box(p + vec2(0.25 * r, 0.0), vec2(0.6 * r, 0.5 * r));
    float head = max(0.3 * r - p.x, max(
        half_plane(p, vec2(0.85 * r, 0.0), vec2(0.7071, 0.7071)),
        half_plane(p, vec2(0.85 * r, 0.0), vec2(0.7071, -0.7071))));
    return op_subtract(op_union(body, head), sd_circle(p + vec2(0.5 * r, 0.0), 0.15 * r));
}
