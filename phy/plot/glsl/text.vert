#version 330 core
// Each character is a quad of two triangles (six vertices) sampling its glyph in the atlas.
in vec2 a_position;  // position of the string
in vec4 a_glyph;  // (glyph index in the atlas, character index in the string, string length,
                  //  vertex index in the quad 0..5)
in vec2 a_anchor;  // anchor of the string, in units of half the string size
in vec4 a_color;  // color of the string
uniform vec2 u_window_size;  // in logical pixels
uniform float u_pixel_ratio;
uniform vec2 u_glyph_size;  // size of a glyph cell, in physical pixels
uniform vec2 u_atlas_shape;  // number of columns and rows of glyphs in the atlas
out vec2 v_tex_coords;
out vec4 v_color;

const vec2 CORNERS[6] = vec2[6](
    vec2(0.0, 0.0), vec2(1.0, 0.0), vec2(0.0, 1.0),
    vec2(1.0, 0.0), vec2(1.0, 1.0), vec2(0.0, 1.0));

void main() {
    gl_Position = transform(a_position);
    vec2 fb_size = max(u_window_size * u_pixel_ratio, vec2(1.0));
    vec2 corner = CORNERS[int(a_glyph.w)];
    vec2 string_size = vec2(a_glyph.z * u_glyph_size.x, u_glyph_size.y);
    // Lower left corner of the string relative to its position, in whole pixels.
    vec2 origin = floor(0.5 * (a_anchor - 1.0) * string_size + 0.5);
    // The position snapped to the pixel grid, so that glyph texels fall on pixels.
    vec2 position = floor((gl_Position.xy * 0.5 + 0.5) * fb_size + 0.5);
    vec2 pixel = position + origin + vec2(a_glyph.y * u_glyph_size.x, 0.0) + corner * u_glyph_size;
    gl_Position.xy = 2.0 * pixel / fb_size - 1.0;
    float column = mod(a_glyph.x, u_atlas_shape.x);
    float row = floor(a_glyph.x / u_atlas_shape.x);
    v_color = a_color;
    v_tex_coords = vec2(column + corner.x, row + 1.0 - corner.y) / u_atlas_shape;
}
