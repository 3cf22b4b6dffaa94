// The adaptive background model's per-row kernels. Each body is written once (plain C, branch-free
// so that clang vectorises it) and compiled once per path through wrappers with per-function
// target attributes; the readable references are VigieKernels' Swift `…Reference` functions, and
// VigieKernelsTests compares every path the host supports with them.
#include "paths.h"

// 1 if v is negative, else 0.
INLINE int32_t negative(int32_t v) { return (int32_t)((uint32_t)v >> 31); }

// The same integer maths as VigieKernels.adaptivePixel, as 0/1 decisions combined with & | ^ and
// selections by all-ones masks, so that every step is a lane-wise instruction.
INLINE ptrdiff_t adaptive_row_body(const uint8_t *restrict luma, const uint8_t *restrict chroma_wide,
                              const uint8_t *restrict envelope_min, const uint8_t *restrict envelope_max,
                              uint16_t *restrict background, uint16_t *restrict deviation,
                              uint16_t *restrict foreground_frames, uint8_t *restrict mask, ptrdiff_t width,
                              const vg_adaptive_parameters *pp) {
    const vg_adaptive_parameters p = *pp;
    const int32_t marking = p.marks_shadow_candidates ? 1 : 0;
    int32_t set = 0;  // foreground pixels (a row is far below 2^31 pixels)
    for (ptrdiff_t x = 0; x < width; x++) {
        int32_t bg = background[x], dev = deviation[x];
        int32_t v = luma[x], cd = chroma_wide[x];
        int32_t b = bg >> 8;
        int32_t diff = v - b;
        int32_t d = diff < 0 ? -diff : diff;
        int32_t above = v - (int32_t)envelope_max[x], below = (int32_t)envelope_min[x] - v;
        int32_t e = above > below ? above : below;
        e = e < 0 ? 0 : e;
        int32_t t = (dev * p.deviation_scale16) >> 12;
        t = t < p.minimum_threshold ? p.minimum_threshold : t;
        t = t > p.maximum_threshold ? p.maximum_threshold : t;
        int32_t vs = v << 8;
        int32_t shadow = negative(diff) & (negative(vs - b * p.shadow_low) ^ 1)
                         & (negative(b * p.shadow_high - vs) ^ 1) & (negative(p.shadow_chroma - cd) ^ 1);
        int32_t exceeds = negative(t - e);
        int32_t chroma_foreground = negative(p.chroma_threshold - cd);
        int32_t fg = (exceeds & (shadow ^ 1)) | chroma_foreground;
        int32_t candidate = exceeds & shadow & (chroma_foreground ^ 1) & marking;
        int32_t count = foreground_frames[x];
        int32_t counted = count + negative(count - 65535);  // + 1, saturating at 65535
        int32_t new_count = ((-fg) & counted) | ((-candidate) & count);
        foreground_frames[x] = (uint16_t)new_count;
        // Shadows are not the background's appearance: they learn as slowly as foreground.
        int32_t slow = (fg & (negative(p.absorb_after_frames - new_count) ^ 1)) | (shadow & (fg ^ 1));
        int32_t step = p.background_step ^ ((p.background_step ^ p.foreground_step) & (-slow));
        int32_t delta = vs - bg;
        delta = delta > step ? step : delta;
        delta = delta < -step ? -step : delta;
        background[x] = (uint16_t)(bg + delta);
        int32_t dd = (d > 255 ? 255 : d) << 8;
        int32_t ddelta = dd - dev;
        ddelta = ddelta > p.deviation_step ? p.deviation_step : ddelta;
        ddelta = ddelta < -p.deviation_step ? -p.deviation_step : ddelta;
        int32_t learns = (fg | shadow) ^ 1;  // the deviation learns from background pixels only
        deviation[x] = (uint16_t)(dev + (ddelta & (-learns)));
        mask[x] = (uint8_t)((-fg) | candidate);
        set += fg;
    }
    return set;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_adaptive_row, adaptive_row_body,
                        (const uint8_t *luma, const uint8_t *chroma_wide, const uint8_t *envelope_min,
                         const uint8_t *envelope_max, uint16_t *background, uint16_t *deviation,
                         uint16_t *foreground_frames, uint8_t *mask, ptrdiff_t width, const vg_adaptive_parameters *p),
                        (luma, chroma_wide, envelope_min, envelope_max, background, deviation, foreground_frames, mask,
                         width, p))

INLINE void chroma_row_body(const uint8_t *restrict cb, const uint8_t *restrict cr,
                            const uint16_t *restrict background_cb, const uint16_t *restrict background_cr,
                            uint8_t *restrict out, ptrdiff_t width) {
    for (ptrdiff_t x = 0; x < width; x++) {
        int32_t a = (int32_t)cb[x] - (background_cb[x] >> 8), c = (int32_t)cr[x] - (background_cr[x] >> 8);
        int32_t s = (a < 0 ? -a : a) + (c < 0 ? -c : c);
        s = s > 255 ? 255 : s;
        out[2 * x] = (uint8_t)s;
        out[2 * x + 1] = (uint8_t)s;
    }
}

VG_DISPATCHED(vg_chroma_row, chroma_row_body,
              (const uint8_t *cb, const uint8_t *cr, const uint16_t *background_cb, const uint16_t *background_cr,
               uint8_t *out, ptrdiff_t width),
              (cb, cr, background_cb, background_cr, out, width))

INLINE void chroma_update_row_body(const uint8_t *restrict cb, const uint8_t *restrict cr,
                                   uint16_t *restrict background_cb, uint16_t *restrict background_cr,
                                   const uint8_t *restrict luma_mask, ptrdiff_t width, int32_t background_step,
                                   int32_t foreground_step) {
    for (ptrdiff_t x = 0; x < width; x++) {
        int32_t step = luma_mask[2 * x] >= 128 ? foreground_step : background_step;
        int32_t bcb = background_cb[x], bcr = background_cr[x];
        int32_t a = ((int32_t)cb[x] << 8) - bcb, c = ((int32_t)cr[x] << 8) - bcr;
        a = a > step ? step : (a < -step ? -step : a);
        c = c > step ? step : (c < -step ? -step : c);
        background_cb[x] = (uint16_t)(bcb + a);
        background_cr[x] = (uint16_t)(bcr + c);
    }
}

VG_DISPATCHED(vg_chroma_update_row, chroma_update_row_body,
              (const uint8_t *cb, const uint8_t *cr, uint16_t *background_cb, uint16_t *background_cr,
               const uint8_t *luma_mask, ptrdiff_t width, int32_t background_step, int32_t foreground_step),
              (cb, cr, background_cb, background_cr, luma_mask, width, background_step, foreground_step))

// The 3x3 minimum and maximum of the background (levels: the 8.8 values' integer part) around
// each pixel, edges replicated, in one pass: each background row is converted to levels and its
// 3-wide min/max kept in a ring of three row pairs (`scratch`: 7 x width bytes), and each output
// row is the element-wise min/max of three ring rows.
INLINE void envelope_horizontal(const uint16_t *restrict b, uint8_t *restrict levels, uint8_t *restrict lo,
                                uint8_t *restrict hi, ptrdiff_t width) {
    for (ptrdiff_t x = 0; x < width; x++) levels[x] = (uint8_t)(b[x] >> 8);
    if (width == 1) {
        lo[0] = hi[0] = levels[0];
        return;
    }
    lo[0] = levels[0] < levels[1] ? levels[0] : levels[1];
    hi[0] = levels[0] > levels[1] ? levels[0] : levels[1];
    for (ptrdiff_t x = 1; x < width - 1; x++) {
        uint8_t a = levels[x - 1], c = levels[x], d = levels[x + 1];
        uint8_t m = a < c ? a : c, n = a > c ? a : c;
        lo[x] = m < d ? m : d;
        hi[x] = n > d ? n : d;
    }
    uint8_t p = levels[width - 2], q = levels[width - 1];
    lo[width - 1] = p < q ? p : q;
    hi[width - 1] = p > q ? p : q;
}

INLINE void background_envelope_body(const uint16_t *restrict background, ptrdiff_t width, ptrdiff_t height,
                                     uint8_t *restrict minimum, ptrdiff_t minimum_stride, uint8_t *restrict maximum,
                                     ptrdiff_t maximum_stride, uint8_t *restrict scratch) {
    if (width <= 0 || height <= 0) return;
    uint8_t *levels = scratch;
#define RING_LO(row) (scratch + width * (1 + 2 * ((row) % 3)))
#define RING_HI(row) (scratch + width * (2 + 2 * ((row) % 3)))
    envelope_horizontal(background, levels, RING_LO(0), RING_HI(0), width);
    if (height > 1) envelope_horizontal(background + width, levels, RING_LO(1), RING_HI(1), width);
    for (ptrdiff_t y = 0; y < height; y++) {
        ptrdiff_t above = y > 0 ? y - 1 : 0, below = y + 1 < height ? y + 1 : height - 1;
        const uint8_t *restrict lo_a = RING_LO(above), *restrict lo_c = RING_LO(y), *restrict lo_b = RING_LO(below);
        const uint8_t *restrict hi_a = RING_HI(above), *restrict hi_c = RING_HI(y), *restrict hi_b = RING_HI(below);
        uint8_t *restrict lo = minimum + y * minimum_stride, *restrict hi = maximum + y * maximum_stride;
        for (ptrdiff_t x = 0; x < width; x++) {
            uint8_t m = lo_a[x] < lo_c[x] ? lo_a[x] : lo_c[x];
            lo[x] = m < lo_b[x] ? m : lo_b[x];
            uint8_t n = hi_a[x] > hi_c[x] ? hi_a[x] : hi_c[x];
            hi[x] = n > hi_b[x] ? n : hi_b[x];
        }
        // Row y - 1 is no longer needed: its slot takes row y + 2.
        if (y + 2 < height) envelope_horizontal(background + (y + 2) * width, levels, RING_LO(y + 2), RING_HI(y + 2), width);
    }
#undef RING_LO
#undef RING_HI
}

VG_DISPATCHED(vg_background_envelope, background_envelope_body,
              (const uint16_t *background, ptrdiff_t width, ptrdiff_t height, uint8_t *minimum, ptrdiff_t minimum_stride,
               uint8_t *maximum, ptrdiff_t maximum_stride, uint8_t *scratch),
              (background, width, height, minimum, minimum_stride, maximum, maximum_stride, scratch))
