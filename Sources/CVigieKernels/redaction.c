// The anonymiser's row kernels, one body each compiled per path (paths.h). The Swift references
// are in VigieKernels (Redaction.swift); the tests compare every path with them. Byte masks are 0/255.
#include "bits.h"
#include <string.h>

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

// (a + b + 1) / 2 without widening: (a | b) - ((a ^ b) >> 1), so the loop stays in byte lanes.
INLINE uint8_t average8(uint8_t a, uint8_t b) { return (uint8_t)((a | b) - ((uint8_t)(a ^ b) >> 1)); }

// ---------------------------------------------------------------------------------------------
// Bit-packed region rows (bits.h): the seed is packed as it is computed and dilated as words; the
// silhouette fill, the learning and the chroma reduction read the region as bits (pixelation and
// blur unpack it).

INLINE uint8_t absolute_difference8(uint8_t a, uint8_t b) { return a > b ? (uint8_t)(a - b) : (uint8_t)(b - a); }

// The seed of one pixel (see vg_region_seed_bits_row_on), as 0 or 1.
INLINE uint64_t seed_pixel(_Bool set, const uint8_t *frame, const uint8_t *background,
                           const uint64_t *known, const uint8_t *previous, ptrdiff_t x, uint8_t threshold,
                           uint8_t changed, int all_known) {
    _Bool differs = absolute_difference8(frame[x], background[x]) > threshold;
    if (all_known) return set || differs;
    _Bool seen = (known[x >> 6] >> (x & 63)) & 1;
    return set || (differs && seen) || (!seen && absolute_difference8(frame[x], previous[x]) > changed);
}

// Whether pixel x is foreground: its bit of `foreground_bits` when given, else its byte.
INLINE _Bool foreground_pixel(const uint8_t *foreground, const uint64_t *foreground_bits, ptrdiff_t x) {
    return foreground_bits ? (foreground_bits[x >> 6] >> (x & 63)) & 1 : foreground[x] >= 128;
}

// The seed of the pixels from x (a multiple of 64) to the row's end, fewer than 64, into the last
// word of `out`; returns their foreground pixels.
INLINE ptrdiff_t seed_tail(const uint8_t *foreground, const uint64_t *foreground_bits, const uint8_t *frame,
                           const uint8_t *background, const uint64_t *known, const uint8_t *previous, uint64_t *out,
                           ptrdiff_t x, ptrdiff_t width, uint8_t threshold, uint8_t changed) {
    uint64_t word = 0;
    ptrdiff_t count = 0;
    for (ptrdiff_t i = x; i < width; i++) {
        _Bool set = foreground_pixel(foreground, foreground_bits, i);
        word |= seed_pixel(set, frame, background, known, previous, i, threshold, changed, known == NULL) << (i - x);
        count += set;
    }
    out[x >> 6] = word;
    return count;
}

// 32 pixels of the seed from x: their bits, and the foreground's in `fg`.
#define VG_SEED32(bits, fg, x)                                                                       \
    do {                                                                                             \
        vg_u8x32 a_, b_;                                                                             \
        VG_LOAD32(a_, frame + (x));                                                                  \
        VG_LOAD32(b_, background + (x));                                                             \
        if (foreground_bits) {                                                                       \
            (fg) = bits32_at(foreground_bits, (x));                                                  \
        } else {                                                                                     \
            vg_u8x32 m_;                                                                             \
            VG_LOAD32(m_, foreground + (x));                                                         \
            VG_HIGH_BITS(fg, m_);                                                                    \
        }                                                                                            \
        vg_u8x32 d_ = __builtin_elementwise_sub_sat(a_, b_) | __builtin_elementwise_sub_sat(b_, a_);  \
        if (all_known) {                                                                             \
            vg_u8x32 s_ = (vg_u8x32)(d_ > threshold);                                                \
            VG_HIGH_BITS(bits, s_);                                                                  \
            (bits) |= (fg);                                                                          \
        } else {                                                                                     \
            vg_u8x32 q_;                                                                             \
            VG_LOAD32(q_, previous + (x));                                                           \
            vg_u8x32 e_ = __builtin_elementwise_sub_sat(a_, q_) | __builtin_elementwise_sub_sat(q_, a_); \
            uint32_t k_ = bits32_at(known, (x)), differs_, moved_;                                   \
            vg_u8x32 dv_ = (vg_u8x32)(d_ > threshold), ev_ = (vg_u8x32)(e_ > changed);               \
            VG_HIGH_BITS(differs_, dv_);                                                             \
            VG_HIGH_BITS(moved_, ev_);                                                               \
            (bits) = (fg) | (differs_ & k_) | (moved_ & ~k_);                                        \
        }                                                                                            \
    } while (0)

INLINE ptrdiff_t region_seed_bits_row_variant(const uint8_t *restrict foreground,
                                              const uint64_t *restrict foreground_bits, const uint8_t *restrict frame,
                                              const uint8_t *restrict background, const uint64_t *restrict known,
                                              const uint8_t *restrict previous, uint64_t *restrict out,
                                              ptrdiff_t width, uint8_t threshold, uint8_t changed, int all_known) {
    ptrdiff_t count = 0, x = 0;
    for (; x + 64 <= width; x += 64) {
        uint32_t low, high, fgLow, fgHigh;
        VG_SEED32(low, fgLow, x);
        VG_SEED32(high, fgHigh, x + 32);
        out[x >> 6] = (uint64_t)low | (uint64_t)high << 32;
        count += __builtin_popcount(fgLow) + __builtin_popcount(fgHigh);
    }
    if (x < width)
        count += seed_tail(foreground, foreground_bits, frame, background, known, previous, out, x,
                           width, threshold, changed);
    return count;
}

INLINE ptrdiff_t region_seed_bits_row_body(const uint8_t *foreground, const uint64_t *foreground_bits,
                                           const uint8_t *frame, const uint8_t *background,
                                           const uint64_t *known, const uint8_t *previous, uint64_t *out,
                                           ptrdiff_t width, uint8_t threshold, uint8_t changed) {
    // Where the empty scene is known everywhere (no `known` row), neither it nor the previous frame is read.
    if (known == NULL)
        return region_seed_bits_row_variant(foreground, foreground_bits, frame, background, known, previous, out,
                                            width, threshold, changed, 1);
    return region_seed_bits_row_variant(foreground, foreground_bits, frame, background, known, previous, out, width,
                                        threshold, changed, 0);
}

#if VG_X86_PATHS
// The AVX-512 seed: 64 pixels a step, the comparisons straight into mask registers (one bit a
// pixel, the seed's own layout), so nothing is gathered from sign bits.
VG_AVX512 INLINE ptrdiff_t region_seed_bits_row_512(const uint8_t *restrict foreground,
                                                    const uint64_t *restrict foreground_bits, const uint8_t *restrict frame,
                                                    const uint8_t *restrict background,
                                                    const uint64_t *restrict known, const uint8_t *restrict previous,
                                                    uint64_t *restrict out, ptrdiff_t width, uint8_t threshold,
                                                    uint8_t changed) {
    const __m512i t = _mm512_set1_epi8((char)threshold), c = _mm512_set1_epi8((char)changed);
    ptrdiff_t count = 0, x = 0;
    for (; x + 64 <= width; x += 64) {
        __m512i a = _mm512_loadu_si512(frame + x), b = _mm512_loadu_si512(background + x);
        __mmask64 set = foreground_bits ? foreground_bits[x >> 6] : _mm512_movepi8_mask(_mm512_loadu_si512(foreground + x));
        __mmask64 differs = _mm512_cmpgt_epu8_mask(_mm512_or_si512(_mm512_subs_epu8(a, b), _mm512_subs_epu8(b, a)), t);
        uint64_t bits;
        if (known == NULL) {
            bits = set | differs;
        } else {
            __m512i q = _mm512_loadu_si512(previous + x);
            __mmask64 moved = _mm512_cmpgt_epu8_mask(_mm512_or_si512(_mm512_subs_epu8(a, q), _mm512_subs_epu8(q, a)), c);
            uint64_t k = known[x >> 6];
            bits = set | (differs & k) | (moved & ~k);
        }
        out[x >> 6] = bits;
        count += __builtin_popcountll(set);
    }
    if (x < width)
        count += seed_tail(foreground, foreground_bits, frame, background, known, previous, out, x, width, threshold,
                           changed);
    return count;
}
#endif

VG_DISPATCHED_RETURNING_512(ptrdiff_t, vg_region_seed_bits_row, region_seed_bits_row_body, region_seed_bits_row_512,
                        (const uint8_t *foreground, const uint64_t *foreground_bits, const uint8_t *frame,
                         const uint8_t *background, const uint64_t *known, const uint8_t *previous, uint64_t *out,
                         ptrdiff_t width, uint8_t threshold, uint8_t changed),
                        (foreground, foreground_bits, frame, background, known, previous, out, width, threshold,
                         changed))

INLINE void dilate_bits_body(const uint64_t *restrict source, uint64_t *restrict destination, ptrdiff_t words,
                             ptrdiff_t height, ptrdiff_t radius, uint64_t *restrict scratch) {
    // Two padded rows: scratch[0] and scratch[words + 1] (and the same in the second) stay 0; then
    // the number of non-empty source rows above each row (height + 1 counts); then, for wide radii,
    // the block ORs (height rows each).
    uint64_t *a = scratch + 1, *b = scratch + words + 3, *filledAbove = scratch + 2 * words + 4;
    uint64_t *prefix = filledAbove + height + 1, *suffix = prefix + height * words;
    a[-1] = a[words] = b[-1] = b[words] = 0;
    filledAbove[0] = 0;
    for (ptrdiff_t y = 0; y < height; y++) {
        uint64_t any = 0;
        for (ptrdiff_t i = 0; i < words; i++) any |= source[y * words + i];
        filledAbove[y + 1] = filledAbove[y] + (any != 0);
    }
    int blocks = radius >= VG_BLOCK_OR_RADIUS && filledAbove[height] > 0;
    if (blocks) block_ors(source, words, height, 2 * radius + 1, prefix, suffix);
    for (ptrdiff_t y = 0; y < height; y++) {
        ptrdiff_t first = y - radius < 0 ? 0 : y - radius, last = y + radius >= height ? height - 1 : y + radius;
        uint64_t *out = destination + y * words;
        // A window of empty rows is an empty row. Otherwise, vertically the OR of the window's rows,
        // then across the row (dilate_row_any).
        if (filledAbove[last + 1] == filledAbove[first]) {
            memset(out, 0, (size_t)words * 8);
            continue;
        }
        if (blocks) window_or(prefix, suffix, words, 2 * radius + 1, first, last, a);
        else or_rows(source, words, first, last, radius > 0 ? a : out);
        if (radius > 0) dilate_row_any(a, b, out, words, radius);
    }
}

VG_DISPATCHED(vg_dilate_bits, dilate_bits_body,
              (const uint64_t *source, uint64_t *destination, ptrdiff_t words, ptrdiff_t height, ptrdiff_t radius,
               uint64_t *scratch),
              (source, destination, words, height, radius, scratch))

INLINE void unpack_bits_row_body(const uint64_t *restrict bits, uint8_t *restrict out, ptrdiff_t width) {
    ptrdiff_t x = 0;
    for (; x + 32 <= width; x += 32) {
        vg_u8x32 v;
        VG_SPREAD_BITS(v, bits32_at(bits, x));
        VG_STORE32(out + x, v);
    }
    for (; x < width; x++) out[x] = (bits[x >> 6] >> (x & 63)) & 1 ? 255 : 0;
}

VG_DISPATCHED(vg_unpack_bits_row, unpack_bits_row_body, (const uint64_t *bits, uint8_t *out, ptrdiff_t width),
              (bits, out, width))


INLINE void fill_bits_row_body(const uint8_t *restrict frame, const uint64_t *restrict region, uint8_t *restrict out,
                               ptrdiff_t width, uint8_t value) {
    ptrdiff_t x = 0;
    for (; x + 32 <= width; x += 32) {
        uint32_t bits = bits32_at(region, x);
        vg_u8x32 f, g;
        VG_LOAD32(f, frame + x);
        if (bits != 0) {
            VG_SPREAD_BITS(g, bits);
            f = (g & value) | (f & ~g);
        }
        VG_STORE32(out + x, f);
    }
    for (; x < width; x++) out[x] = (region[x >> 6] >> (x & 63)) & 1 ? value : frame[x];
}

#if VG_X86_PATHS
// The AVX-512 fill: the region's word is the blend's mask as it is.
VG_AVX512 INLINE void fill_bits_row_512(const uint8_t *restrict frame, const uint64_t *restrict region,
                                        uint8_t *restrict out, ptrdiff_t width, uint8_t value) {
    const __m512i v = _mm512_set1_epi8((char)value);
    ptrdiff_t x = 0;
    for (; x + 64 <= width; x += 64)
        _mm512_storeu_si512(out + x, _mm512_mask_blend_epi8(region[x >> 6], _mm512_loadu_si512(frame + x), v));
    for (; x < width; x++) out[x] = (region[x >> 6] >> (x & 63)) & 1 ? value : frame[x];
}
#endif

VG_DISPATCHED_512(vg_fill_bits_row, fill_bits_row_body, fill_bits_row_512,
              (const uint8_t *frame, const uint64_t *region, uint8_t *out, ptrdiff_t width, uint8_t value),
              (frame, region, out, width, value))

// (a + b + 1) / 2 of byte vectors, without widening.
#define VG_AVERAGE32(a, b) (((a) | (b)) - (((a) ^ (b)) >> 1))

// The learning of the pixels from x to the row's end, one at a time; returns how many became known.
INLINE ptrdiff_t learn_tail(const uint8_t *frame, const uint64_t *region, uint8_t *background, uint64_t *known,
                            ptrdiff_t x, ptrdiff_t width, int unknown_only) {
    ptrdiff_t learnt = 0;
    for (; x < width; x++) {
        if ((region[x >> 6] >> (x & 63)) & 1) continue;
        if ((known[x >> 6] >> (x & 63)) & 1) {
            if (!unknown_only) background[x] = average8(background[x], average8(background[x], frame[x]));
        } else {
            background[x] = frame[x];
            known[x >> 6] |= 1ull << (x & 63);
            learnt++;
        }
    }
    return learnt;
}

INLINE ptrdiff_t learn_bits_row_body(const uint8_t *restrict frame, const uint64_t *restrict region,
                                     uint8_t *restrict background, uint64_t *restrict known, ptrdiff_t width,
                                     int unknown_only) {
    ptrdiff_t learnt = 0, x = 0;
    for (; x + 32 <= width; x += 32) {
        uint32_t bits = bits32_at(region, x), seen = bits32_at(known, x);
        // All redacted, or (unknown only) all known: nothing to learn.
        if (bits == 0xFFFFFFFFu || (unknown_only && seen == 0xFFFFFFFFu)) continue;
        uint32_t newly = ~bits & ~seen;
        if (unknown_only) bits |= seen;  // the known pixels are left as they are
        vg_u8x32 f, b, k, g;
        VG_LOAD32(f, frame + x);
        VG_LOAD32(b, background + x);
        VG_SPREAD_BITS(g, bits);
        VG_SPREAD_BITS(k, seen);
        vg_u8x32 blend = VG_AVERAGE32(b, VG_AVERAGE32(b, f));
        vg_u8x32 value = (blend & k) | (f & ~k);
        vg_u8x32 updated = (value & ~g) | (b & g);
        VG_STORE32(background + x, updated);
        if (newly != 0) {
            known[x >> 6] |= (uint64_t)newly << (x & 32);
            learnt += __builtin_popcount(newly);
        }
    }
    return learnt + learn_tail(frame, region, background, known, x, width, unknown_only);
}

#if VG_X86_PATHS
// The AVX-512 learning: 64 pixels a step; the known word chooses between the blend and the frame,
// and the region's word masks the store.
VG_AVX512 INLINE ptrdiff_t learn_bits_row_512(const uint8_t *restrict frame, const uint64_t *restrict region,
                                              uint8_t *restrict background, uint64_t *restrict known, ptrdiff_t width,
                                              int unknown_only) {
    ptrdiff_t learnt = 0, x = 0;
    for (; x + 64 <= width; x += 64) {
        uint64_t bits = region[x >> 6], seen = known[x >> 6], newly = ~bits & ~seen;
        if (unknown_only) {
            // The known pixels are left as they are: only the newly known ones take the frame.
            if (newly != 0) _mm512_mask_storeu_epi8(background + x, newly, _mm512_loadu_si512(frame + x));
        } else {
            if (bits == ~0ull) continue;  // all redacted: nothing to learn
            __m512i f = _mm512_loadu_si512(frame + x), b = _mm512_loadu_si512(background + x);
            __m512i blend = _mm512_avg_epu8(b, _mm512_avg_epu8(b, f));
            _mm512_mask_storeu_epi8(background + x, ~bits, _mm512_mask_blend_epi8(seen, f, blend));
        }
        if (newly != 0) {
            known[x >> 6] = seen | newly;
            learnt += __builtin_popcountll(newly);
        }
    }
    return learnt + learn_tail(frame, region, background, known, x, width, unknown_only);
}
#endif

VG_DISPATCHED_RETURNING_512(ptrdiff_t, vg_learn_bits_row, learn_bits_row_body, learn_bits_row_512,
                        (const uint8_t *frame, const uint64_t *region, uint8_t *background, uint64_t *known,
                         ptrdiff_t width, int unknown_only),
                        (frame, region, background, known, width, unknown_only))

// The even bits of x (bits 0, 2, 4, …) packed into the low 32 bits.
INLINE uint64_t even_bits(uint64_t x) {
    x &= 0x5555555555555555ull;
    x = (x | (x >> 1)) & 0x3333333333333333ull;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFull;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
    return (x | (x >> 16)) & 0x00000000FFFFFFFFull;
}

// The chroma row from two luma rows, the even bits of a word taken by `even` (always inlined: a
// constant here).
INLINE ptrdiff_t reduce_bits_2x2_row_with(const uint64_t *restrict top, const uint64_t *restrict bottom,
                                         uint64_t *restrict out, ptrdiff_t width, int count_rows,
                                         uint64_t (*even)(uint64_t)) {
    ptrdiff_t count = 0, j = 0;
    // Chroma word j from luma words 2j and 2j + 1, each giving 32 chroma pixels: while both are
    // whole, no mask and one store a word.
    for (; 128 * (j + 1) <= width; j++) {
        uint64_t t0 = top[2 * j], t1 = top[2 * j + 1], b0 = bottom[2 * j], b1 = bottom[2 * j + 1];
        uint64_t w0 = t0 | b0, w1 = t1 | b1;
        if (count_rows) {
            count += __builtin_popcountll(t0) + __builtin_popcountll(t1);
            if (count_rows > 1) count += __builtin_popcountll(b0) + __builtin_popcountll(b1);
        }
        out[j] = (w0 == 0 ? 0 : even(w0 | (w0 >> 1))) | (w1 == 0 ? 0 : even(w1 | (w1 >> 1))) << 32;
    }
    // The last luma word or two, masked to the row's pixels.
    if (128 * j < width) {
        uint64_t chroma = 0;
        for (ptrdiff_t half = 0; half < 2 && (2 * j + half) * 64 < width; half++) {
            ptrdiff_t i = 2 * j + half, pixels = width - i * 64 < 64 ? width - i * 64 : 64;
            uint64_t valid = pixels == 64 ? ~0ull : (1ull << pixels) - 1;
            uint64_t t = top[i] & valid, b = bottom[i] & valid, w = t | b;
            if (count_rows) count += __builtin_popcountll(t) + (count_rows > 1 ? __builtin_popcountll(b) : 0);
            chroma |= even(w | (w >> 1)) << (32 * half);
        }
        out[j] = chroma;
    }
    return count;
}

INLINE ptrdiff_t reduce_bits_2x2_row_body(const uint64_t *restrict top, const uint64_t *restrict bottom,
                                          uint64_t *restrict out, ptrdiff_t width, int count_rows) {
    return reduce_bits_2x2_row_with(top, bottom, out, width, count_rows, even_bits);
}

#if VG_X86_PATHS
// The AVX-512 path's processors extract the even bits in one instruction (pext, which older AMD
// processors microcode slowly: the AVX2 path keeps even_bits).
VG_AVX512 INLINE uint64_t even_bits_pext(uint64_t x) { return _pext_u64(x, 0x5555555555555555ull); }

VG_AVX512 INLINE ptrdiff_t reduce_bits_2x2_row_512(const uint64_t *restrict top, const uint64_t *restrict bottom,
                                                  uint64_t *restrict out, ptrdiff_t width, int count_rows) {
    return reduce_bits_2x2_row_with(top, bottom, out, width, count_rows, even_bits_pext);
}
#endif

VG_DISPATCHED_RETURNING_512(ptrdiff_t, vg_reduce_bits_2x2_row, reduce_bits_2x2_row_body, reduce_bits_2x2_row_512,
                        (const uint64_t *top, const uint64_t *bottom, uint64_t *out, ptrdiff_t width, int count_rows),
                        (top, bottom, out, width, count_rows))
