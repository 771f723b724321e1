// Positions precise at deep zoom, shared by the vertex shaders of the plots, scatter plots and
// thick lines.
//
// A float64 position reaches the GPU as two float32 attributes: its float32 rounding `hi` and
// the rest `lo` (split_high_low() in phy/plot/visuals/utils.py). The GPU transforms (pan/zoom,
// layouts) are affine per axis: `hi` goes through them, where the pan/zoom (itself split in two
// uniforms) brings it next to the view without rounding, and `lo` is scaled by their linear
// part and added after them. One millisecond of a one-hour recording (x up to 3600 s, zoomed
// 3.6 million times) is then drawn in its place, not on a grid of float32 steps 10 pixels apart.

// Window NDC of a position through the GPU transforms (the canvas inserts them at the hook).
vec2 transform_position(vec2 pos) {
    vec2 transformed = transform(pos);
    return transformed;
}

// Linear part of the GPU transforms near a position, per axis: the difference of two points
// one unit apart (a layout's transforms may depend on the vertex, through its box index).
vec2 transform_scale(vec2 pos) {
    return transform_position(pos + vec2(1.0)) - transform_position(pos);
}

// Window NDC of the float64 position hi + lo, through the GPU transforms.
vec2 transform_precise(vec2 hi, vec2 lo) {
    return transform_position(hi) + transform_scale(hi) * lo;
}
