#version 330 core
#include "utils.glsl"
#include "precise.glsl"
// Thick antialiased polylines: one quad per segment (4 vertices, drawn as a triangle strip),
// expanded across the segment in physical pixels. Vertex k of a segment (gl_VertexID % 4) is
// at its start (k < 2) or its end (k >= 2), on the right (k even) or left (k odd) side.
in vec2 a_position;     // This end of the segment: its float64 NDC position rounded to float32,
in vec2 a_position_lo;  // and the rest (see precise.glsl).
in vec2 a_other;        // The other end, likewise.
in vec2 a_other_lo;
in float a_plot_index;
// Two texels per polyline: the color, then (depth, mask, width in logical pixels, 0).
uniform sampler2D u_plot_data;
uniform vec2 u_window_size;
uniform float u_pixel_ratio;
out vec4 v_color;
out vec2 v_local;    // (along, across) the segment from its start, in physical pixels.
out float v_length;  // Length of the segment, in physical pixels.
out float v_width;   // Width of the line, in physical pixels.

void main() {
    int i = int(a_plot_index);
    vec4 color = fetch_item(u_plot_data, 2 * i);
    vec4 extra = fetch_item(u_plot_data, 2 * i + 1);

    // Both ends through the GPU transforms, precisely (one linear part for both: the
    // transforms are the same for the two ends of a segment).
    vec2 unit = transform_scale(a_other);
    vec2 half_size = 0.5 * u_window_size * u_pixel_ratio;
    vec2 here = (transform_position(a_position) + unit * a_position_lo) * half_size;
    vec2 there = (transform_position(a_other) + unit * a_other_lo) * half_size;

    int corner = gl_VertexID % 4;
    bool at_start = corner < 2;
    float side = corner % 2 == 0 ? -1.0 : 1.0;
    vec2 start = at_start ? here : there;
    vec2 d = at_start ? there - here : here - there;
    float len = length(d);
    vec2 dir = len > 1e-6 ? d / len : vec2(1.0, 0.0);
    vec2 normal = vec2(-dir.y, dir.x);
    float width = max(extra.z, 0.0) * u_pixel_ratio;
    // Half the quad's width: room for round caps and one pixel of antialiasing.
    float half_width = 0.5 * max(width, 1.0) + 1.0;
    float along = at_start ? -half_width : len + half_width;

    gl_Position = vec4(
        (start + dir * along + normal * side * half_width) / half_size, depth_to_z(extra.x), 1.0);
    v_local = vec2(along, side * half_width);
    v_length = len;
    v_width = width;
    v_color = apply_mask(color, extra.y);
}
