// Marker: spade (an upside-down heart on a stem).
float marker(vec2 p, float r) {
    float s = 0.8;
    float heart = sd_heart(vec2(p.x, 0.2 * r - p.y) / s, r) * s;
    return op_union(heart, sd_stem(p, r, -0.3 * r));
}
