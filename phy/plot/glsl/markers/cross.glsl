// Marker: cross.
float marker(vec2 p, float r) {
    return op_union(sd_box(p, vec2(r, 0.25 * r)), sd_box(p, vec2(0.25 * r, r)));
}
