// Marker: club (three leaves on a stem).
float marker(vec2 p, float r) {
    float leaves = sd_circle(p - vec2(0.0, 0.45 * r), 0.33 * r);
    leaves = op_union(leaves, sd_circle(p - vec2(-0.4 * r, -0.05 * r), 0.33 * r));
    leaves = op_union(leaves, sd_circle(p - vec2(0.4 * r, -0.05 * r), 0.33 * r));
    leaves = op_union(leaves, sd_circle(p - vec2(0.0, 0.1 * r), 0.22 * r));
    return op_union(leaves, sd_stem(p, r, -0.4 * r));
}
