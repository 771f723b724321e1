// Marker: arrow.
float marker(vec2 p, float r) {
    // An upward arrow: a triangular head on a shaft.
    float head = sd_triangle(p - vec2(0.0, 0.3 * r), 0.7 * r);
    float shaft = sd_box(p + vec2(0.0, 0.35 * r), vec2(0.18 * r, 0.6 * r));
    return op_union(head, shaft);
}
