// Marker: hbar.
float marker(vec2 p, float r) {
    return sd_box(p, vec2(r, 0.25 * r));
}
