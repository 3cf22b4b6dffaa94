// Packing 0/255 masks into bit rows (bits.h), and their opening and closing there, one body
// compiled per path (paths.h). The Swift references are in VigieKernels: `packBitsReference`, and
// `dilateReference` and `erodeReference` (Morphology.swift); the tests compare every path with them.
//
// The (2r + 1) square is clipped to the image: outside pixels are unset for a dilation and set for
// an erosion. An erosion is the complement of the dilation of the complement with the outside
// unset, so both passes of either pair are dilations: of the mask or of its complement (`invert`),
// the bits past a row's last pixel cleared first. A dilation is horizontal per row (one pass, see
// dilate_bits_row_horizontal), then vertical: the OR of the window's rows, from block ORs for wide
// radii.
#include "bits.h"

// out = the bits of `row` (bit x set where row[x] >= 128), bits past the last pixel 0.
INLINE void pack_row(const uint8_t *restrict row, uint64_t *restrict out, ptrdiff_t width) {
    ptrdiff_t x = 0;
    for (; x + 64 <= width; x += 64) {
        vg_u8x32 a, b;
        uint32_t low, high;
        VG_LOAD32(a, row + x);
        VG_LOAD32(b, row + x + 32);
        VG_HIGH_BITS(low, a);
        VG_HIGH_BITS(high, b);
        out[x >> 6] = (uint64_t)low | (uint64_t)high << 32;
    }
    if (x < width) {
        uint64_t word = 0;
        for (ptrdiff_t i = x; i < width; i++) word |= (uint64_t)(row[i] >> 7) << (i - x);
        out[x >> 6] = word;
    }
}

// to = the dilation of (from ^ invert), the bits past each row's last pixel (outside `last` in the
// last word) cleared first. `rows` holds two padded rows (2 (words + 2) words), `across` the
// rows dilated across (words x height), `prefix` and `suffix` the block ORs (words x height each).
INLINE void dilate_plane(const uint64_t *restrict from, uint64_t *restrict to, ptrdiff_t words, ptrdiff_t height,
                         ptrdiff_t radius, uint64_t invert, uint64_t last, uint64_t *restrict rows,
                         uint64_t *restrict across, uint64_t *restrict prefix, uint64_t *restrict suffix) {
    uint64_t *t = rows + 1, *u = rows + words + 3;
    t[-1] = t[words] = u[-1] = u[words] = 0;
    for (ptrdiff_t y = 0; y < height; y++) {
        const uint64_t *row = from + y * words;
        uint64_t any = 0, all = ~0ull;
        for (ptrdiff_t i = 0; i < words - 1; i++) {
            uint64_t word = row[i] ^ invert;
            t[i] = word;
            any |= word;
            all &= word;
        }
        uint64_t end = (row[words - 1] ^ invert) & last;
        t[words - 1] = end;
        any |= end;
        all &= end | ~last;
        uint64_t *out = across + y * words;
        if (any == 0 || all == ~0ull) {  // an empty row stays empty; a full one stays full
            for (ptrdiff_t i = 0; i < words; i++) out[i] = any == 0 ? 0 : ~0ull;
            continue;
        }
        dilate_row_any(t, u, out, words, radius);
    }
    int blocks = radius >= VG_BLOCK_OR_RADIUS;
    if (blocks) block_ors(across, words, height, 2 * radius + 1, prefix, suffix);
    for (ptrdiff_t y = 0; y < height; y++) {
        ptrdiff_t first = y - radius < 0 ? 0 : y - radius, end = y + radius >= height ? height - 1 : y + radius;
        if (blocks) window_or(prefix, suffix, words, 2 * radius + 1, first, end, to + y * words);
        else or_rows(across, words, first, end, to + y * words);
    }
}

INLINE void pack_bits_row_body(const uint8_t *row, uint64_t *out, ptrdiff_t width) { pack_row(row, out, width); }

VG_DISPATCHED(vg_pack_bits_row, pack_bits_row_body, (const uint8_t *row, uint64_t *out, ptrdiff_t width),
              (row, out, width))

INLINE void morphology_bits_body(uint64_t *bits, ptrdiff_t width, ptrdiff_t height, ptrdiff_t radius,
                                 int dilate_first, uint64_t *scratch) {
    ptrdiff_t words = (width + 63) / 64, n = words * height;
    uint64_t last = width & 63 ? (1ull << (width & 63)) - 1 : ~0ull;
    uint64_t *p = bits, *q = scratch, *across = q + n, *prefix = across + n, *suffix = prefix + n;
    uint64_t *rows = suffix + n;
    // Closing: q = D(p); p = D(~q) = ~E(q), the result its complement. Opening: q = D(~p) = ~E(p);
    // p = D(~q) = D(E(p)), the result.
    dilate_plane(p, q, words, height, radius, dilate_first ? 0 : ~0ull, last, rows, across, prefix, suffix);
    dilate_plane(q, p, words, height, radius, ~0ull, last, rows, across, prefix, suffix);
    uint64_t invert = dilate_first ? ~0ull : 0;
    for (ptrdiff_t y = 0; y < height; y++) {
        for (ptrdiff_t i = 0; i < words; i++) p[y * words + i] ^= invert;
        p[y * words + words - 1] &= last;
    }
}

VG_DISPATCHED(vg_morphology_bits, morphology_bits_body,
              (uint64_t *bits, ptrdiff_t width, ptrdiff_t height, ptrdiff_t radius, int dilate_first,
               uint64_t *scratch),
              (bits, width, height, radius, dilate_first, scratch))
