// Marker: asterisk.
float marker(vec2 p, float r) {
    float d = sd_box(p, vec2(0.18 * r, r));
    d = op_union(d, sd_box(rotate(p, PI / 3.0), vec2(0.18 * r, r)));
    return op_union(d, sd_box(rotate(p, -PI / 3.0), vec2(0.18 * r, r)));
}
