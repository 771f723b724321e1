// Marker: ring.
float marker(vec2 p, float r) {
    return sd_ring(p, 0.75 * r, 0.5 * r);
}
