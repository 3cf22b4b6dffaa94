// Bit-packed mask rows shared by the kernel files: 64 pixels a word, pixel x of a row at bit
// x & 63 of word x >> 6. Private to this target.
//
// The 32-pixel steps use clang's vector extensions, so each path gets its own widths (two SSE2
// vectors on the baseline, one AVX2 vector, NEON on arm64): a sign-bit mask to 32 bits is one
// movemask, 32 bits to 0/255 bytes a broadcast, a shuffle and a compare.
#ifndef CVIGIEKERNELS_BITS_H
#define CVIGIEKERNELS_BITS_H

#include <string.h>
#include "paths.h"

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

typedef uint64_t vg_u64x4 __attribute__((vector_size(32)));

// Spreading the bits of a word for a horizontal dilation of radius 1...63 (see
// dilate_bits_row_horizontal in redaction.c): VG_SMEAR_WORD spreads each set bit `radius` places
// both ways within the word (by doubling), VG_SMEAR_DOWN sets every bit below a set one (for the
// bits a left neighbour brings in) and VG_SMEAR_UP every bit above (a right neighbour's), each
// over `radius` places.
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

// The horizontal dilation of a padded row (in[-1] and in[words] are 0) by radius 1...63 in one
// pass: a word's own pixels spread by doubling within the register, and what its neighbours bring
// in. A pixel of the word on the left at bit 64 - radius + j (j >= 0) reaches bits 0...j, so those
// neighbour bits shifted down and smeared towards bit 0 are its contribution; the word on the
// right's bits below `radius`, shifted up and smeared towards bit 63, are the other. The
// neighbours come by lane shuffles, not by loads one word off, which would straddle the stores
// that wrote the row and defeat store-to-load forwarding.
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

// out = the horizontal dilation of the padded row `t` (t[-1] and t[words] are 0) by any radius
// >= 1: steps of at most 63 through the padded row `u` (t and u are overwritten).
INLINE void dilate_row_any(uint64_t *t, uint64_t *u, uint64_t *restrict out, ptrdiff_t words, ptrdiff_t radius) {
    while (radius > 63) {
        dilate_bits_row_horizontal(t, u, words, 63);
        uint64_t *swap = t;
        t = u;
        u = swap;
        radius -= 63;
    }
    // The margins' usual radii as constants, so the spreading steps unroll with immediate shifts.
    switch (radius) {
#define VG_RADIUS_CASE(r) case r: dilate_bits_row_horizontal(t, out, words, r); return;
    VG_RADIUS_CASE(1) VG_RADIUS_CASE(2) VG_RADIUS_CASE(3) VG_RADIUS_CASE(4) VG_RADIUS_CASE(5) VG_RADIUS_CASE(6)
    VG_RADIUS_CASE(7) VG_RADIUS_CASE(8) VG_RADIUS_CASE(9) VG_RADIUS_CASE(10) VG_RADIUS_CASE(11) VG_RADIUS_CASE(12)
    VG_RADIUS_CASE(13) VG_RADIUS_CASE(14) VG_RADIUS_CASE(15) VG_RADIUS_CASE(16)
#undef VG_RADIUS_CASE
    default: dilate_bits_row_horizontal(t, out, words, radius);
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

#endif
