// Marker: heart.
float marker(vec2 p, float r) {
    return sd_heart(p, r);
}
