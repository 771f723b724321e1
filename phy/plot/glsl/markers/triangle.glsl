// Marker: triangle.
float marker(vec2 p, float r) {
    return sd_triangle(p, r);
}
