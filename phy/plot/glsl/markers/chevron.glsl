// Marker: chevron.
float marker(vec2 p, float r) {
    // An upward chevron: a triangle minus the same triangle shifted down.
    return op_subtract(sd_triangle(p, r), sd_triangle(p + vec2(0.0, 0.5 * r), r));
}
