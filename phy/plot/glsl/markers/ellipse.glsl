// Marker: ellipse.
float marker(vec2 p, float r) {
    // Approximate distance to an ellipse of semi-axes r and 0.6 r.
    return (length(p / vec2(r, 0.6 * r)) - 1.0) * 0.6 * r;
}
