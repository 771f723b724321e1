// Marker: clover (three round leaves around the center).
float marker(vec2 p, float r) {
    float d = sd_circle(p - 0.5 * r * vec2(0.0, 1.0), 0.45 * r);
    d = op_union(d, sd_circle(p - 0.5 * r * vec2(-0.866, -0.5), 0.45 * r));
    return op_union(d, sd_circle(p - 0.5 * r * vec2(0.866, -0.5), 0.45 * r));
}
