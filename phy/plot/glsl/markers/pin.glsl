// Marker: pin.
float marker(vec2 p, float r) {
    // A map pin: a round head with a hole, on a point downwards.
    float head = sd_circle(p - vec2(0.0, 0.3 * r), 0.6 * r);
    vec2 tip = vec2(0.0, -r);
    float point = max(p.y - 0.3 * r, max(
        half_plane(p, tip, vec2(0.894, -0.447)), half_plane(p, tip, vec2(-0.894, -0.447))));
    return op_subtract(op_union(head, point), sd_circle(p - vec2(0.0, 0.3 * r), 0.25 * r));
}
