// Marker: infinity (two rings side by side).
float marker(vec2 p, float r) {
    return op_union(
        sd_ring(p - vec2(-0.47 * r, 0.0), 0.4 * r, 0.22 * r),
        sd_ring(p - vec2(0.47 * r, 0.0), 0.4 * r, 0.22 * r));
}
