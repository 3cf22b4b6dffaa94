// The anonymiser's row kernels, one body each compiled per path (paths.h). The Swift references
// are in VigieKernels (Redaction.swift); the tests compare every path with them. Masks are 0/255.
#include "paths.h"
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
// Bit-packed region rows: 64 pixels a word, pixel x of a row at bit x & 63 of word x >> 6. The
// seed is packed as it is computed and dilated as words; the silhouette fill, the learning and the
// chroma reduction read the region as bits (pixelation and blur unpack it).
// The 32-pixel steps use clang's vector extensions, so each path gets its own widths (two SSE2
// vectors on the baseline, one AVX2 vector, NEON on arm64): a sign-bit mask to 32 bits is one
// movemask, 32 bits to 0/255 bytes a broadcast, a shuffle and a compare.

typedef uint8_t vg_u8x32 __attribute__((vector_size(32)));
typedef int8_t vg_s8x32 __attribute__((vector_size(32)));
typedef _Bool vg_b32 __attribute__((ext_vector_type(32)));

// Vectors are not passed to functions (the baseline ABI has no 32-byte registers): macros.
#define VG_LOAD32(v, p) memcpy(&(v), (p), 32)
#define VG_STORE32(p, v) memcpy((p), &(v), 32)
// bits = the sign bits of the 32 bytes of v (bit i = byte i >= 128). On x86-64 two SSE2 movemasks
// (every path has them; clang 21's baseline code generation fails on the bool-vector form here).
#if defined(__x86_64__)
typedef char vg_c8x16 __attribute__((vector_size(16)));
#define VG_HIGH_BITS(bits, v)                                                                        \
    do {                                                                                             \
        vg_c8x16 lo_, hi_;                                                                           \
        memcpy(&lo_, (const char *)&(v), 16);                                                        \
        memcpy(&hi_, (const char *)&(v) + 16, 16);                                                   \
        (bits) = (uint32_t)__builtin_ia32_pmovmskb128(lo_) | (uint32_t)__builtin_ia32_pmovmskb128(hi_) << 16; \
    } while (0)
#else
#define VG_HIGH_BITS(bits, v)                                                                        \
    do {                                                                                             \
        vg_b32 m_ = __builtin_convertvector((vg_s8x32)(v) < 0, vg_b32);                              \
        memcpy(&(bits), &m_, 4);                                                                     \
    } while (0)
#endif
// v = 255 in byte i where bit i of the 32-bit `bits` is set, 0 elsewhere: byte i takes byte i / 8
// of `bits` (a broadcast and a shuffle), then its bit i % 8 is tested (an and and a compare).
typedef uint32_t vg_u32x8 __attribute__((vector_size(32)));
#define VG_SPREAD_BITS(v, bits)                                                                      \
    do {                                                                                             \
        uint32_t b_ = (bits);                                                                        \
        vg_u8x32 r_ = (vg_u8x32)(vg_u32x8){b_, b_, b_, b_, b_, b_, b_, b_};                          \
        vg_u8x32 s_ = __builtin_shufflevector(r_, r_, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, \
                                              2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);       \
        const vg_u8x32 m_ = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,               \
                             1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};              \
        (v) = (vg_u8x32)((s_ & m_) == m_);                                                           \
    } while (0)

// The 32 bits of a bit row from pixel x (x a multiple of 32).
INLINE uint32_t bits32_at(const uint64_t *bits, ptrdiff_t x) { return (uint32_t)(bits[x >> 6] >> (x & 32)); }

INLINE uint8_t absolute_difference8(uint8_t a, uint8_t b) { return a > b ? (uint8_t)(a - b) : (uint8_t)(b - a); }

// The seed of one pixel (see vg_region_seed_bits_row_on), as 0 or 1.
INLINE uint64_t seed_pixel(const uint8_t *foreground, const uint8_t *frame, const uint8_t *background,
                           const uint64_t *known, const uint8_t *previous, ptrdiff_t x, uint8_t threshold,
                           uint8_t changed, int all_known) {
    _Bool differs = absolute_difference8(frame[x], background[x]) > threshold;
    _Bool set = foreground[x] >= 128;
    if (all_known) return set || differs;
    _Bool seen = (known[x >> 6] >> (x & 63)) & 1;
    return set || (differs && seen) || (!seen && absolute_difference8(frame[x], previous[x]) > changed);
}

// 32 pixels of the seed from x: their bits, and the foreground's in `fg`.
#define VG_SEED32(bits, fg, x)                                                                       \
    do {                                                                                             \
        vg_u8x32 a_, b_, m_;                                                                         \
        VG_LOAD32(a_, frame + (x));                                                                  \
        VG_LOAD32(b_, background + (x));                                                             \
        VG_LOAD32(m_, foreground + (x));                                                             \
        vg_u8x32 d_ = __builtin_elementwise_sub_sat(a_, b_) | __builtin_elementwise_sub_sat(b_, a_);  \
        VG_HIGH_BITS(fg, m_);                                                                        \
        if (all_known) {                                                                             \
            vg_u8x32 s_ = m_ | (vg_u8x32)(d_ > threshold);                                           \
            VG_HIGH_BITS(bits, s_);                                                                  \
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

INLINE ptrdiff_t region_seed_bits_row_variant(const uint8_t *restrict foreground, const uint8_t *restrict frame,
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
    if (x < width) {
        uint64_t word = 0;
        for (ptrdiff_t i = x; i < width; i++) {
            word |= seed_pixel(foreground, frame, background, known, previous, i, threshold, changed, all_known) << (i - x);
            count += foreground[i] >> 7;
        }
        out[x >> 6] = word;
    }
    return count;
}

INLINE ptrdiff_t region_seed_bits_row_body(const uint8_t *foreground, const uint8_t *frame, const uint8_t *background,
                                           const uint64_t *known, const uint8_t *previous, uint64_t *out,
                                           ptrdiff_t width, uint8_t threshold, uint8_t changed) {
    // Where the empty scene is known everywhere (no `known` row), neither it nor the previous frame is read.
    if (known == NULL)
        return region_seed_bits_row_variant(foreground, frame, background, known, previous, out, width, threshold,
                                            changed, 1);
    return region_seed_bits_row_variant(foreground, frame, background, known, previous, out, width, threshold,
                                        changed, 0);
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_region_seed_bits_row, region_seed_bits_row_body,
                        (const uint8_t *foreground, const uint8_t *frame, const uint8_t *background,
                         const uint64_t *known, const uint8_t *previous, uint64_t *out, ptrdiff_t width,
                         uint8_t threshold, uint8_t changed),
                        (foreground, frame, background, known, previous, out, width, threshold, changed))

typedef uint64_t vg_u64x4 __attribute__((vector_size(32)));

// One horizontal doubling step on a padded row (in[-1] and in[words] are 0): pixel x takes the
// pixels x - s and x + s too, bits carried across words. Four words a step; the neighbouring words
// come from the vectors before and after by lane shuffles, not from loads one word off, which
// would straddle the previous step's stores and defeat store-to-load forwarding (the step after
// a step reads what it just wrote). The rest one by one.
INLINE void dilate_bits_step(const uint64_t *restrict in, uint64_t *restrict out, ptrdiff_t words, unsigned s) {
    ptrdiff_t i = 0;
    if (words >= 4) {
        vg_u64x4 previous = {0, 0, 0, in[-1]}, x, next;
        memcpy(&x, in, 32);
        for (; i + 4 <= words; i += 4) {
            if (i + 8 <= words) {
                memcpy(&next, in + i + 4, 32);
            } else {
                next = (vg_u64x4){in[i + 4], 0, 0, 0};  // in[words] is the padding
            }
            vg_u64x4 left = __builtin_shufflevector(previous, x, 3, 4, 5, 6);
            vg_u64x4 right = __builtin_shufflevector(x, next, 1, 2, 3, 4);
            vg_u64x4 o = x | (x << s) | (left >> (64 - s)) | (x >> s) | (right << (64 - s));
            memcpy(out + i, &o, 32);
            previous = x;
            x = next;
        }
    }
    for (; i < words; i++) {
        uint64_t x = in[i], left = in[i - 1], right = in[i + 1];
        out[i] = x | (x << s) | (left >> (64 - s)) | (x >> s) | (right << (64 - s));
    }
}

// The horizontal dilation of a padded row (in[-1] and in[words] are 0) by radius 1...63 in one
// pass: a word's own pixels spread by doubling within the register, and what its neighbours bring
// in. A pixel of the word on the left at bit 64 - radius + j (j >= 0) reaches bits 0...j, so those
// neighbour bits shifted down and smeared towards bit 0 are its contribution; the word on the
// right's bits below `radius`, shifted up and smeared towards bit 63, are the other. The
// neighbours come by lane shuffles (see dilate_bits_step).
#define VG_SMEAR_WORD(v, radius)                                                                     \
    do {                                                                                             \
        for (ptrdiff_t c_ = 0, n_ = 1; c_ < (radius); c_ += n_, n_ *= 2) {                           \
            ptrdiff_t s_ = (radius) - c_ < n_ ? (radius) - c_ : n_;                                  \
            (v) |= ((v) << s_) | ((v) >> s_);                                                        \
        }                                                                                            \
    } while (0)
#define VG_SMEAR_DOWN(v, radius)                                                                     \
    do {                                                                                             \
        for (ptrdiff_t s_ = 1; s_ < (radius); s_ *= 2) (v) |= (v) >> s_;                             \
    } while (0)
#define VG_SMEAR_UP(v, radius)                                                                       \
    do {                                                                                             \
        for (ptrdiff_t s_ = 1; s_ < (radius); s_ *= 2) (v) |= (v) << s_;                             \
    } while (0)

INLINE void dilate_bits_row_horizontal(const uint64_t *restrict in, uint64_t *restrict out, ptrdiff_t words,
                                       ptrdiff_t radius) {
    ptrdiff_t i = 0;
    if (words >= 4) {
        vg_u64x4 previous = {0, 0, 0, in[-1]}, x, next;
        memcpy(&x, in, 32);
        for (; i + 4 <= words; i += 4) {
            if (i + 8 <= words) {
                memcpy(&next, in + i + 4, 32);
            } else {
                next = (vg_u64x4){in[i + 4], 0, 0, 0};  // in[words] is the padding
            }
            vg_u64x4 left = __builtin_shufflevector(previous, x, 3, 4, 5, 6) >> (64 - radius);
            vg_u64x4 right = __builtin_shufflevector(x, next, 1, 2, 3, 4) << (64 - radius);
            vg_u64x4 o = x;
            VG_SMEAR_WORD(o, radius);
            VG_SMEAR_DOWN(left, radius);
            VG_SMEAR_UP(right, radius);
            o |= left | right;
            memcpy(out + i, &o, 32);
            previous = x;
            x = next;
        }
    }
    for (; i < words; i++) {
        uint64_t o = in[i], left = in[i - 1] >> (64 - radius), right = in[i + 1] << (64 - radius);
        VG_SMEAR_WORD(o, radius);
        VG_SMEAR_DOWN(left, radius);
        VG_SMEAR_UP(right, radius);
        out[i] = o | left | right;
    }
}

// column = the OR of rows first...last (at least one), four words at a time held in registers.
INLINE void or_rows(const uint64_t *restrict source, ptrdiff_t words, ptrdiff_t first, ptrdiff_t last,
                     uint64_t *restrict column) {
    ptrdiff_t i = 0;
    for (; i + 4 <= words; i += 4) {
        vg_u64x4 acc, row;
        memcpy(&acc, source + first * words + i, 32);
        for (ptrdiff_t r = first + 1; r <= last; r++) {
            memcpy(&row, source + r * words + i, 32);
            acc |= row;
        }
        memcpy(column + i, &acc, 32);
    }
    for (; i < words; i++) {
        uint64_t acc = source[first * words + i];
        for (ptrdiff_t r = first + 1; r <= last; r++) acc |= source[r * words + i];
        column[i] = acc;
    }
}

// out = a | b over n words.
INLINE void or_words(const uint64_t *restrict a, const uint64_t *restrict b, uint64_t *restrict out, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) out[i] = a[i] | b[i];
}

// The van Herk / Gil-Werman decomposition of a vertical OR over windows of `block` = 2 radius + 1
// rows: in blocks of `block` rows from the top, `prefix` row y is the OR of its block's rows down to
// y and `suffix` row y the OR of rows y to its block's last (or the last row). A window then spans
// at most two blocks and is one suffix OR one prefix: a few word operations per row whatever the
// radius.
INLINE void block_ors(const uint64_t *restrict source, ptrdiff_t words, ptrdiff_t height, ptrdiff_t block,
                      uint64_t *restrict prefix, uint64_t *restrict suffix) {
    for (ptrdiff_t y = 0; y < height; y++) {
        const uint64_t *row = source + y * words;
        if (y % block == 0) memcpy(prefix + y * words, row, (size_t)words * 8);
        else or_words(prefix + (y - 1) * words, row, prefix + y * words, words);
    }
    for (ptrdiff_t y = height - 1; y >= 0; y--) {
        const uint64_t *row = source + y * words;
        if (y % block == block - 1 || y == height - 1) memcpy(suffix + y * words, row, (size_t)words * 8);
        else or_words(suffix + (y + 1) * words, row, suffix + y * words, words);
    }
}

// column = the OR of rows first...last from the block ORs (see block_ors).
INLINE void window_or(const uint64_t *restrict prefix, const uint64_t *restrict suffix, ptrdiff_t words,
                      ptrdiff_t block, ptrdiff_t first, ptrdiff_t last, uint64_t *restrict column) {
    if (first / block != last / block)
        or_words(suffix + first * words, prefix + last * words, column, words);
    else if (first % block == 0)  // the window starts its block (the top rows, clipped)
        memcpy(column, prefix + last * words, (size_t)words * 8);
    else  // the window ends its block or the image (the bottom rows, clipped)
        memcpy(column, suffix + first * words, (size_t)words * 8);
}

// Radii from this one take the vertical OR from block ORs rather than the window's rows.
#define VG_BLOCK_OR_RADIUS 4

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
        // then horizontally by doubling (1, 2, 4, … pixels).
        if (filledAbove[last + 1] == filledAbove[first]) {
            memset(out, 0, (size_t)words * 8);
            continue;
        }
        if (blocks) window_or(prefix, suffix, words, 2 * radius + 1, first, last, a);
        else or_rows(source, words, first, last, radius > 0 ? a : out);
        if (radius > 0 && radius < 64) {
            dilate_bits_row_horizontal(a, out, words, radius);
            continue;
        }
        ptrdiff_t covered = 0, size = 1;
        uint64_t *in = a, *spare = b;
        while (covered < radius) {
            ptrdiff_t s = radius - covered < size ? radius - covered : size;
            if (s > 63) s = 63;
            uint64_t *next = covered + s >= radius ? out : spare;
            dilate_bits_step(in, next, words, (unsigned)s);
            covered += s;
            size *= 2;
            spare = in;
            in = next;
        }
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

VG_DISPATCHED(vg_fill_bits_row, fill_bits_row_body,
              (const uint8_t *frame, const uint64_t *region, uint8_t *out, ptrdiff_t width, uint8_t value),
              (frame, region, out, width, value))

// (a + b + 1) / 2 of byte vectors, without widening.
#define VG_AVERAGE32(a, b) (((a) | (b)) - (((a) ^ (b)) >> 1))

INLINE ptrdiff_t learn_bits_row_body(const uint8_t *restrict frame, const uint64_t *restrict region,
                                     uint8_t *restrict background, uint64_t *restrict known, ptrdiff_t width) {
    ptrdiff_t learnt = 0, x = 0;
    for (; x + 32 <= width; x += 32) {
        uint32_t bits = bits32_at(region, x);
        if (bits == 0xFFFFFFFFu) continue;  // all redacted: nothing to learn
        uint32_t seen = bits32_at(known, x), newly = ~bits & ~seen;
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
    for (; x < width; x++) {
        if ((region[x >> 6] >> (x & 63)) & 1) continue;
        if ((known[x >> 6] >> (x & 63)) & 1) {
            background[x] = average8(background[x], average8(background[x], frame[x]));
        } else {
            background[x] = frame[x];
            known[x >> 6] |= 1ull << (x & 63);
            learnt++;
        }
    }
    return learnt;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_learn_bits_row, learn_bits_row_body,
                        (const uint8_t *frame, const uint64_t *region, uint8_t *background, uint64_t *known,
                         ptrdiff_t width),
                        (frame, region, background, known, width))

// The even bits of x (bits 0, 2, 4, …) packed into the low 32 bits.
INLINE uint64_t even_bits(uint64_t x) {
    x &= 0x5555555555555555ull;
    x = (x | (x >> 1)) & 0x3333333333333333ull;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFull;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
    return (x | (x >> 16)) & 0x00000000FFFFFFFFull;
}

INLINE ptrdiff_t reduce_bits_2x2_row_body(const uint64_t *restrict top, const uint64_t *restrict bottom,
                                          uint64_t *restrict out, ptrdiff_t width, int count_bottom) {
    ptrdiff_t count = 0;
    // Luma word i gives the 32 chroma pixels from 32 i: half of chroma word i / 2.
    for (ptrdiff_t i = 0; i * 64 < width; i++) {
        ptrdiff_t pixels = width - i * 64 < 64 ? width - i * 64 : 64;
        uint64_t valid = pixels == 64 ? ~0ull : (1ull << pixels) - 1;
        uint64_t t = top[i] & valid, b = bottom[i] & valid;
        count += __builtin_popcountll(t) + (count_bottom ? __builtin_popcountll(b) : 0);
        uint64_t w = t | b;
        uint64_t chroma = w == 0 ? 0 : even_bits(w | (w >> 1));
        if (i & 1) out[i >> 1] |= chroma << 32;
        else out[i >> 1] = chroma;
    }
    return count;
}

VG_DISPATCHED_RETURNING(ptrdiff_t, vg_reduce_bits_2x2_row, reduce_bits_2x2_row_body,
                        (const uint64_t *top, const uint64_t *bottom, uint64_t *out, ptrdiff_t width, int count_bottom),
                        (top, bottom, out, width, count_bottom))
