// Helpers shared by the shaders.

// Per-item data stored in a 2D texture, one vec4 texel per row, row-major.
vec4 fetch_item(sampler2D data, int index) {
    int width = textureSize(data, 0).x;
    return texelFetch(data, ivec2(index % width, index / width), 0);
}

// A mask of 1 keeps the color, 0 turns it to gray (same luminance), in between mixes.
vec4 apply_mask(vec4 color, float mask) {
    float gray = dot(color.rgb, vec3(0.299, 0.587, 0.114));
    return vec4(mix(vec3(gray), color.rgb, mask), color.a);
}

// Depth in [-1, 1], higher in front, to the z coordinate of gl_Position.
float depth_to_z(float depth) {
    return -clamp(depth, -1.0, 1.0);
}
