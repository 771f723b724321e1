// Marker: diamond.
float marker(vec2 p, float r) {
    return sd_box(rotate(p, 0.25 * PI), vec2(0.7 * r));
}
