// The anonymiser's row kernels, one body each compiled per path (paths.h). The Swift references
// are in VigieKernels (Redaction.swift); the tests compare every path with them. Masks are 0/255.
#include "paths.h"
#include <string.h>

// Returns the foreground pixels of the row (>= 128), counted in byte lanes over 192-pixel blocks
// (under 256, a multiple of every vector width).
INLINE ptrdiff_t region_seed_row_body(const uint8_t *restrict foreground, const uint8_t *restrict frame,
                                      const uint8_t *restrict background, const uint8_t *restrict known,
                                      const uint8_t *restrict previous, uint8_t *restrict out, ptrdiff_t width,
                                      uint8_t threshold, uint8_t changed) {
    ptrdiff_t count = 0;
    for (ptrdiff_t start = 0; start < width; start += 192) {
        ptrdiff_t end = start + 192 < width ? start + 192 : width;
        uint8_t block = 0;
        for (ptrdiff_t x = start; x < end; x++) {
            uint8_t a = frame[x], c = background[x], q = previous[x], m = foreground[x];
            uint8_t d = a > c ? (uint8_t)(a - c) : (uint8_t)(c - a);
            uint8_t e = a > q ? (uint8_t)(a - q) : (uint8_t)(q - a);
            uint8_t differs = (uint8_t)-(d > threshold), moved = (uint8_t)-(e > changed), k = known[x];
            out[x] = (uint8_t)(m | (differs & k) | (moved & (uint8_t)~k));
            block = (uint8_t)(block + (m >> 7));
        }
        count += block;
    }
    return count;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_region_seed_row, region_seed_row_body,
                        (const uint8_t *foreground, const uint8_t *frame, const uint8_t *background,
                         const uint8_t *known, const uint8_t *previous, uint8_t *out, ptrdiff_t width,
                         uint8_t threshold, uint8_t changed),
                        (foreground, frame, background, known, previous, out, width, threshold, changed))

INLINE void add_where_unknown_row_body(const uint8_t *restrict wide, const uint8_t *restrict known,
                                       uint8_t *restrict region, ptrdiff_t width) {
    for (ptrdiff_t x = 0; x < width; x++) region[x] = (uint8_t)(region[x] | (wide[x] & (uint8_t)~known[x]));
}

VG_DISPATCHED(vg_add_where_unknown_row, add_where_unknown_row_body,
              (const uint8_t *wide, const uint8_t *known, uint8_t *region, ptrdiff_t width),
              (wide, known, region, width))

INLINE uint8_t max8(uint8_t a, uint8_t b) { return a > b ? a : b; }

// Returns the set pixels (>= 128) of the top row, and of the bottom row too when `count_bottom`.
INLINE ptrdiff_t reduce_2x2_max_row_body(const uint8_t *restrict top, const uint8_t *restrict bottom,
                                         uint8_t *restrict out, ptrdiff_t width, int count_bottom) {
    ptrdiff_t pairs = width / 2, count = 0;
    for (ptrdiff_t start = 0; start < pairs; start += 96) {
        ptrdiff_t end = start + 96 < pairs ? start + 96 : pairs;
        uint8_t topCount = 0, bottomCount = 0;
        for (ptrdiff_t c = start; c < end; c++) {
            // A pair of bytes read as one 16-bit word, so the loads are contiguous (either byte order).
            uint16_t t, b;
            memcpy(&t, top + 2 * c, 2);
            memcpy(&b, bottom + 2 * c, 2);
            uint8_t t0 = (uint8_t)t, t1 = (uint8_t)(t >> 8), b0 = (uint8_t)b, b1 = (uint8_t)(b >> 8);
            out[c] = max8(max8(t0, t1), max8(b0, b1));
            topCount = (uint8_t)(topCount + (t0 >> 7) + (t1 >> 7));
            bottomCount = (uint8_t)(bottomCount + (b0 >> 7) + (b1 >> 7));
        }
        count += topCount + (count_bottom ? bottomCount : 0);
    }
    if (width & 1) {
        out[pairs] = max8(top[width - 1], bottom[width - 1]);
        count += (top[width - 1] >> 7) + (count_bottom ? bottom[width - 1] >> 7 : 0);
    }
    return count;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_reduce_2x2_max_row, reduce_2x2_max_row_body,
                        (const uint8_t *top, const uint8_t *bottom, uint8_t *out, ptrdiff_t width, int count_bottom),
                        (top, bottom, out, width, count_bottom))

INLINE void fill_region_row_body(const uint8_t *restrict frame, const uint8_t *restrict region,
                                 uint8_t *restrict out, ptrdiff_t width, uint8_t value) {
    for (ptrdiff_t x = 0; x < width; x++) {
        uint8_t inside = (uint8_t)-(region[x] != 0);
        out[x] = (uint8_t)((value & inside) | (frame[x] & (uint8_t)~inside));
    }
}

VG_DISPATCHED(vg_fill_region_row, fill_region_row_body,
              (const uint8_t *frame, const uint8_t *region, uint8_t *out, ptrdiff_t width, uint8_t value),
              (frame, region, out, width, value))

// (a + b + 1) / 2 without widening: (a | b) - ((a ^ b) >> 1), so the loop stays in byte lanes.
INLINE uint8_t average8(uint8_t a, uint8_t b) { return (uint8_t)((a | b) - ((uint8_t)(a ^ b) >> 1)); }

INLINE ptrdiff_t learn_row_body(const uint8_t *restrict frame, const uint8_t *restrict region,
                                uint8_t *restrict background, uint8_t *restrict known, ptrdiff_t width) {
    ptrdiff_t learnt = 0;
    // Counted in bytes over blocks of 192 pixels (under 256, a multiple of every vector width), so the
    // loop stays in byte lanes.
    for (ptrdiff_t start = 0; start < width; start += 192) {
        ptrdiff_t end = start + 192 < width ? start + 192 : width;
        uint8_t block = 0;
        for (ptrdiff_t x = start; x < end; x++) {
            uint8_t f = frame[x], b = background[x], k = known[x];
            _Bool clear = region[x] == 0, seen = k != 0;
            uint8_t value = seen ? average8(b, average8(b, f)) : f;
            background[x] = clear ? value : b;
            known[x] = clear ? 255 : k;
            block = (uint8_t)(block + (clear && !seen));
        }
        learnt += block;
    }
    return learnt;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_learn_row, learn_row_body,
                        (const uint8_t *frame, const uint8_t *region, uint8_t *background, uint8_t *known,
                         ptrdiff_t width),
                        (frame, region, background, known, width))
