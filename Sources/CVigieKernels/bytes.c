// Kernels on packed bytes: the sigma-delta model's rows and the 3x3 median of a 0/255 mask. Same
// scheme as background.c: one body, compiled once per path; the Swift references are in
// VigieKernels (sigmaDeltaRowReference, median3x3Reference) and the tests compare every path.
#include "paths.h"

INLINE uint8_t step_toward(uint8_t m, uint8_t i) { return (uint8_t)(m + (i > m) - (i < m)); }

INLINE void sigma_delta_row_body(const uint8_t *restrict luma, const uint8_t *restrict chroma_wide,
                                 uint8_t *restrict background, uint8_t *restrict variance, uint8_t *restrict mask,
                                 ptrdiff_t width, uint8_t minimum_variance, uint8_t maximum_variance,
                                 uint8_t chroma_threshold) {
    for (ptrdiff_t x = 0; x < width; x++) {
        uint8_t i = luma[x];
        uint8_t m = step_toward(background[x], i);
        uint8_t d = i > m ? (uint8_t)(i - m) : (uint8_t)(m - i);
        uint8_t n = d > 63 ? 255 : (uint8_t)(d * 4);
        uint8_t v = variance[x];
        uint8_t step = d != 0;
        v = (uint8_t)(v + (n > v ? step : 0) - (n < v ? step : 0));
        v = v < minimum_variance ? minimum_variance : v;
        v = v > maximum_variance ? maximum_variance : v;
        background[x] = m;
        variance[x] = v;
        mask[x] = (uint8_t)((d > v ? 255 : 0) | (chroma_wide[x] > chroma_threshold ? 255 : 0));
    }
}

VG_DISPATCHED(vg_sigma_delta_row, sigma_delta_row_body,
              (const uint8_t *luma, const uint8_t *chroma_wide, uint8_t *background, uint8_t *variance, uint8_t *mask,
               ptrdiff_t width, uint8_t minimum_variance, uint8_t maximum_variance, uint8_t chroma_threshold),
              (luma, chroma_wide, background, variance, mask, width, minimum_variance, maximum_variance,
               chroma_threshold))

INLINE void sigma_delta_chroma_row_body(const uint8_t *restrict cb, const uint8_t *restrict cr,
                                        uint8_t *restrict background_cb, uint8_t *restrict background_cr,
                                        uint8_t *restrict out, ptrdiff_t width) {
    for (ptrdiff_t x = 0; x < width; x++) {
        uint8_t a = cb[x], c = cr[x];
        uint8_t ma = step_toward(background_cb[x], a), mc = step_toward(background_cr[x], c);
        background_cb[x] = ma;
        background_cr[x] = mc;
        uint8_t da = a > ma ? (uint8_t)(a - ma) : (uint8_t)(ma - a);
        uint8_t dc = c > mc ? (uint8_t)(c - mc) : (uint8_t)(mc - c);
        uint8_t s = (uint8_t)(da + dc);
        uint8_t b = s < da ? 255 : s;  // saturated: the byte sum wrapped
        out[2 * x] = b;
        out[2 * x + 1] = b;
    }
}

VG_DISPATCHED(vg_sigma_delta_chroma_row, sigma_delta_chroma_row_body,
              (const uint8_t *cb, const uint8_t *cr, uint8_t *background_cb, uint8_t *background_cr, uint8_t *out,
               ptrdiff_t width),
              (cb, cr, background_cb, background_cr, out, width))

// The 3x3 median of a 0/255 mask: a pixel is set when 5 of its 9 neighbours are. Column counts of
// set pixels (0…3) are kept in `v` (width + 2 bytes, one replicated column on each side) and moved
// down one row at a time by subtracting the row leaving and adding the row entering; each output
// row is then left + centre + right ≥ 5. Edges are replicated.
INLINE void median3x3_body(const uint8_t *restrict source, ptrdiff_t source_stride, uint8_t *restrict destination,
                           ptrdiff_t destination_stride, ptrdiff_t width, ptrdiff_t height, uint8_t *restrict scratch) {
    if (width <= 0 || height <= 0) return;
    uint8_t *restrict v = scratch + 1;
    const uint8_t *r0 = source, *r1 = source + (height > 1 ? source_stride : 0);
    for (ptrdiff_t x = 0; x < width; x++) v[x] = (uint8_t)((r0[x] >> 7) + (r0[x] >> 7) + (r1[x] >> 7));
    for (ptrdiff_t y = 0; y < height; y++) {
        if (y > 0) {
            const uint8_t *leaving = source + (y >= 2 ? y - 2 : 0) * source_stride;
            const uint8_t *entering = source + (y + 1 < height ? y + 1 : height - 1) * source_stride;
            for (ptrdiff_t x = 0; x < width; x++) v[x] = (uint8_t)(v[x] - (leaving[x] >> 7) + (entering[x] >> 7));
        }
        v[-1] = v[0];
        v[width] = v[width - 1];
        uint8_t *restrict out = destination + y * destination_stride;
        for (ptrdiff_t x = 0; x < width; x++) out[x] = (uint8_t)(v[x - 1] + v[x] + v[x + 1]) >= 5 ? 255 : 0;
    }
}

VG_DISPATCHED(vg_median3x3, median3x3_body,
              (const uint8_t *source, ptrdiff_t source_stride, uint8_t *destination, ptrdiff_t destination_stride,
               ptrdiff_t width, ptrdiff_t height, uint8_t *scratch),
              (source, source_stride, destination, destination_stride, width, height, scratch))
