// Marker: disc.
float marker(vec2 p, float r) {
    return sd_circle(p, r);
}
