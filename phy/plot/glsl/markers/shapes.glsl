// Signed distance functions used by the markers: negative inside, in pixels.
// p is relative to the marker center (y upwards), r is the marker radius.

const float PI = 3.14159265358979;

float sd_circle(vec2 p, float r) {
    return length(p) - r;
}

float sd_ring(vec2 p, float r, float width) {
    return abs(length(p) - r) - 0.5 * width;
}

float sd_box(vec2 p, vec2 half_size) {
    vec2 d = abs(p) - half_size;
    return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}

vec2 rotate(vec2 p, float angle) {
    float c = cos(angle), s = sin(angle);
    return vec2(c * p.x + s * p.y, -s * p.x + c * p.y);
}

// Distance to a half-plane through point a, with outward unit normal n.
float half_plane(vec2 p, vec2 a, vec2 n) {
    return dot(p - a, n);
}

// Equilateral triangle pointing up, its vertices at distance r from the center.
float sd_triangle(vec2 p, float r) {
    float d = -p.y;
    d = max(d, dot(p, vec2(0.866025, 0.5)));
    d = max(d, dot(p, vec2(-0.866025, 0.5)));
    return d - 0.5 * r;
}

float op_union(float a, float b) {
    return min(a, b);
}

float op_subtract(float a, float b) {
    return max(a, -b);
}

// Heart pointing down, within [-0.85 r, 0.85 r] x [-0.8 r, 0.8 r]: two round lobes and a point
// whose sides are tangent to the lobes.
float sd_heart(vec2 p, float r) {
    float lobes = op_union(
        sd_circle(p - vec2(-0.4 * r, 0.35 * r), 0.45 * r),
        sd_circle(p - vec2(0.4 * r, 0.35 * r), 0.45 * r));
    vec2 tip = vec2(0.0, -0.8 * r);
    float point = max(p.y - 0.15 * r, max(
        half_plane(p, tip, vec2(0.756, -0.654)), half_plane(p, tip, vec2(-0.756, -0.654))));
    return op_union(lobes, point);
}

// A stem below the center: a thin triangle from (0, top) widening down to y = -r.
float sd_stem(vec2 p, float r, float top) {
    vec2 apex = vec2(0.0, top);
    return max(-r - p.y, max(
        half_plane(p, apex, vec2(0.958, 0.287)), half_plane(p, apex, vec2(-0.958, 0.287))));
}
