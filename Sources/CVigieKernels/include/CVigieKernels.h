// CVigieKernels: the hottest pixel kernels compiled for several instruction sets in one binary,
// the path chosen once at run time (Documentation/Performance.md, "Runtime CPU dispatch").
// No stable API: VigieKernels wraps it; integrators use VigieCore's CPUPath.
#ifndef CVIGIEKERNELS_H
#define CVIGIEKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// The parameters of one adaptive-model step (VigieKernels.AdaptiveParameters, widened).
typedef struct {
    int32_t deviation_scale16, minimum_threshold, maximum_threshold, chroma_threshold;
    int32_t shadow_low, shadow_high, shadow_chroma;
    int32_t background_step, foreground_step, deviation_step, absorb_after_frames, marks_shadow_candidates;
} vg_adaptive_parameters;

/// Instruction-set paths. VG_CPU_BASELINE is the build's own target (SSE2 on x86-64, NEON on
/// arm64); VG_CPU_AVX2 is x86-64-v3 (AVX2, BMI1/2, FMA); VG_CPU_AVX512 adds AVX-512 F/BW/DQ/VL.
enum { VG_CPU_AUTO = -1, VG_CPU_BASELINE = 0, VG_CPU_AVX2 = 1, VG_CPU_AVX512 = 2 };

/// The path in use: chosen on first use, VIGIE_CPU=baseline|avx2|avx512 if set and supported,
/// else the best the processor has.
int vg_cpu_path(void);
/// Whether the processor, its operating system (saved vector state) and this build can run `path`.
int vg_cpu_supports(int path);
/// What VIGIE_CPU asked for when the path was chosen: -1 not set, -2 not a path name, else the
/// path (which was used only when supported).
int vg_cpu_requested(void);
/// Forces `path` for later calls (tests, benchmarks); VG_CPU_AUTO returns to the automatic
/// choice. Returns 0, or -1 when the processor cannot run it (nothing changes).
int vg_cpu_force(int path);

// Each kernel `vg_K_on(path, …)` runs on `path`, which must be supported (vg_cpu_supports):
// VigieKernels passes vg_cpu_path(), or the path a test or benchmark compares.

/// One row of the adaptive background model (VigieKernels.adaptiveRow); returns the row's
/// foreground pixels (mask 255).
ptrdiff_t vg_adaptive_row_on(int path, const uint8_t *luma, const uint8_t *chroma_wide, const uint8_t *envelope_min,
                             const uint8_t *envelope_max, uint16_t *background, uint16_t *deviation,
                             uint16_t *foreground_frames, uint8_t *mask, ptrdiff_t width,
                             const vg_adaptive_parameters *p);

/// One chroma row's distance to its background, doubled to luma width (VigieKernels.chromaRow).
void vg_chroma_row_on(int path, const uint8_t *cb, const uint8_t *cr, const uint16_t *background_cb,
                      const uint16_t *background_cr, uint8_t *out, ptrdiff_t width);

/// One chroma row's background update (VigieKernels.chromaUpdateRow).
void vg_chroma_update_row_on(int path, const uint8_t *cb, const uint8_t *cr, uint16_t *background_cb,
                             uint16_t *background_cr, const uint8_t *luma_mask, ptrdiff_t width,
                             int32_t background_step, int32_t foreground_step);

/// The 3x3 background envelope (VigieKernels.backgroundEnvelope); `scratch` holds 7 x width bytes.
void vg_background_envelope_on(int path, const uint16_t *background, ptrdiff_t width, ptrdiff_t height,
                               uint8_t *minimum, ptrdiff_t minimum_stride, uint8_t *maximum, ptrdiff_t maximum_stride,
                               uint8_t *scratch);

/// One row of the sigma-delta model (VigieKernels.sigmaDeltaRow).
void vg_sigma_delta_row_on(int path, const uint8_t *luma, const uint8_t *chroma_wide, uint8_t *background,
                           uint8_t *variance, uint8_t *mask, ptrdiff_t width, uint8_t minimum_variance,
                           uint8_t maximum_variance, uint8_t chroma_threshold);

/// One chroma row of the sigma-delta model (VigieKernels.sigmaDeltaChromaRow).
void vg_sigma_delta_chroma_row_on(int path, const uint8_t *cb, const uint8_t *cr, uint8_t *background_cb,
                                  uint8_t *background_cr, uint8_t *out, ptrdiff_t width);

/// The 3x3 median of a 0/255 mask (VigieKernels.median3x3); `scratch` holds width + 2 bytes and
/// `destination` must not overlap `source`.
void vg_median3x3_on(int path, const uint8_t *source, ptrdiff_t source_stride, uint8_t *destination,
                     ptrdiff_t destination_stride, ptrdiff_t width, ptrdiff_t height, uint8_t *scratch);

// The anonymiser's rows (VigieKernels/Redaction.swift). Masks are 0/255.

/// out[c] = the maximum of the 2x2 block (top and bottom rows, columns 2c and 2c + 1, the last
/// column alone when `width` is odd); `out` holds (width + 1) / 2 bytes. Returns the set pixels
/// (>= 128) of the top row, plus the bottom row's when `count_bottom` is not 0.
ptrdiff_t vg_reduce_2x2_max_row_on(int path, const uint8_t *top, const uint8_t *bottom, uint8_t *out, ptrdiff_t width,
                                   int count_bottom);
// Bit-packed region rows: pixel x of a row at bit x & 63 of word x >> 6.

/// The region seed, foreground | (|frame - background| > threshold ? known : 0) | (|frame - previous| >
/// changed ? ~known : 0), packed into (width + 63) / 64 words of `out` (bits past the
/// last pixel 0); `known` is a packed row (bit set where the empty scene is known); `known` and
/// `previous` NULL when the empty scene is known everywhere (neither is read). The foreground is
/// the 0/255 row `foreground`, or, when `foreground_bits` is not NULL, that packed row (bits past
/// the last pixel ignored; `foreground` is not read). Returns the row's foreground pixels (>= 128).
ptrdiff_t vg_region_seed_bits_row_on(int path, const uint8_t *foreground, const uint64_t *foreground_bits,
                                     const uint8_t *frame, const uint8_t *background, const uint64_t *known,
                                     const uint8_t *previous, uint64_t *out, ptrdiff_t width, uint8_t threshold,
                                     uint8_t changed);
/// out = the bits of the 0/255 row (bit x set where row[x] >= 128), bits past the last pixel 0.
void vg_pack_bits_row_on(int path, const uint8_t *row, uint64_t *out, ptrdiff_t width);
/// Closing (`dilate_first`) or opening in place of the packed mask `bits` (height rows of
/// (width + 63) / 64 words) with a (2 radius + 1) square clipped to the image, radius >= 1: the
/// same as the reference dilation and erosion of its pixels; bits past each row's last pixel are
/// 0 after. `scratch` holds 4 height x ((width + 63) / 64) + 2 ((width + 63) / 64 + 2) words.
void vg_morphology_bits_on(int path, uint64_t *bits, ptrdiff_t width, ptrdiff_t height, ptrdiff_t radius,
                           int dilate_first, uint64_t *scratch);
/// Dilation of `height` packed rows of `words` words by a (2 radius + 1) square, the window clipped
/// to the rows (bits past the last pixel of a row may be set in `destination`; they are not
/// pixels). `destination` must not overlap `source`; `scratch` holds 2 (words + 2) + height + 1 +
/// 2 height x words words.
void vg_dilate_bits_on(int path, const uint64_t *source, uint64_t *destination, ptrdiff_t words, ptrdiff_t height,
                       ptrdiff_t radius, uint64_t *scratch);
/// out = 255 where the bit is set, else 0.
void vg_unpack_bits_row_on(int path, const uint64_t *bits, uint8_t *out, ptrdiff_t width);
/// out = region bit set ? value : frame.
void vg_fill_bits_row_on(int path, const uint8_t *frame, const uint64_t *region, uint8_t *out, ptrdiff_t width,
                         uint8_t value);
/// Where the region bit is 0: a known background pixel moves a quarter of the way to the frame
/// (avg(b, avg(b, f)), avg rounding up; not when `unknown_only`), an unknown one takes the frame's
/// value and becomes known (its bit in the packed row `known` set). Returns how many became known.
ptrdiff_t vg_learn_bits_row_on(int path, const uint8_t *frame, const uint64_t *region, uint8_t *background,
                               uint64_t *known, ptrdiff_t width, int unknown_only);
/// Chroma bit c of `out` ((width + 1) / 2 bits, bits past them 0) = any of the bits 2c and 2c + 1
/// of `top` or `bottom` within `width`; returns the set pixels of `top` in 0..<width when
/// `count_rows` is 1, plus those of `bottom` when it is 2, and 0 without counting when it is 0.
ptrdiff_t vg_reduce_bits_2x2_row_on(int path, const uint64_t *top, const uint64_t *bottom, uint64_t *out,
                                    ptrdiff_t width, int count_rows);

#endif
