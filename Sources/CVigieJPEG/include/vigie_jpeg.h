// CVigieJPEG: the only place Vigie calls libjpeg-turbo.
//
// Every function here sets up its own libjpeg error manager whose error_exit
// longjmps back to a setjmp inside the same function, so a corrupt stream
// returns a non-zero status with libjpeg's message and never calls exit().
// No libjpeg type crosses into Swift. This module has no stable API.
#ifndef VIGIE_JPEG_H
#define VIGIE_JPEG_H

#include <stddef.h>

#define VG_JPEG_MESSAGE_CAPACITY 200

/// Colour spaces of a JPEG file as libjpeg reports them.
enum {
    VG_JPEG_CS_UNKNOWN = 0,
    VG_JPEG_CS_GRAY = 1,
    VG_JPEG_CS_YCBCR = 2,
    VG_JPEG_CS_RGB = 3,
    VG_JPEG_CS_CMYK = 4,
    VG_JPEG_CS_YCCK = 5,
};

typedef struct {
    int width;          // full-resolution width in pixels
    int height;         // full-resolution height in pixels
    int components;     // 1, 3 or 4
    int colour_space;   // VG_JPEG_CS_*
    int is_ycbcr420;    // 1 when luma is sampled 2x2 and both chroma planes 1x1
} vg_jpeg_info;

/// Status codes of the decoding entry points.
enum {
    VG_JPEG_OK = 0,
    VG_JPEG_FAILED = 1,       // corrupt or unsupported data: libjpeg's message
    VG_JPEG_TOO_LARGE = 2,    // the header's size is over the limits; nothing large was allocated
    VG_JPEG_OVER_BUDGET = 3,  // too many scans, or libjpeg needed more memory than allowed
};

/// What a decoder may accept: checked after jpeg_read_header, before jpeg_start_decompress.
/// Zero means "no limit" for every field.
typedef struct {
    long max_width;             // pixels
    long max_height;            // pixels
    long long max_pixels;       // width x height
    int max_scans;              // scans of a progressive (or multi-scan) image
    long max_memory;            // bytes: cinfo->mem->max_memory_to_use (libjpeg's own buffers)
} vg_jpeg_limits;

/// Reads the header (jpeg_read_header). Returns 0 on success.
int vg_jpeg_read_info(const unsigned char *data, size_t size, vg_jpeg_info *info, char *message);

/// A reusable decoder: one libjpeg decompressor kept across images (opaque).
typedef struct vg_jpeg_decoder vg_jpeg_decoder;

/// A new decoder, or NULL when memory is short.
vg_jpeg_decoder *vg_jpeg_decoder_create(void);

/// Frees a decoder.
void vg_jpeg_decoder_destroy(vg_jpeg_decoder *decoder);

/// Reads the header and starts decompression at 1/scale_denominator (1, 2, 4 or 8) of the full
/// size (jpeg_read_header, jpeg_start_decompress); reports the output size. With luma_only the
/// output colour space is JCS_GRAYSCALE. Returns VG_JPEG_OK on success. `data` must stay valid
/// until the matching read call returns.
///
/// `limits` (may be NULL: none) are checked between jpeg_read_header and jpeg_start_decompress:
/// an image over the size limits returns VG_JPEG_TOO_LARGE with its full size in out_width and
/// out_height, before libjpeg allocates anything for it. libjpeg's memory is bounded by
/// max_memory (a progressive image's coefficient buffer over it fails with VG_JPEG_OVER_BUDGET),
/// and a progress monitor stops an image at scan max_scans + 1 (VG_JPEG_OVER_BUDGET), during
/// jpeg_start_decompress or the read call.
int vg_jpeg_decoder_start(vg_jpeg_decoder *decoder, const unsigned char *data, size_t size, int scale_denominator,
                          int luma_only, const vg_jpeg_limits *limits, int *out_width, int *out_height,
                          char *message);

/// Finishes a started decode into planar YCbCr 4:2:0: libjpeg's raw-data path
/// (jpeg_read_raw_data) when the file is 4:2:0 YCbCr, jpeg_read_scanlines to YCbCr and 2x2
/// chroma averaging otherwise. Luma plane: out_width x out_height; chroma planes:
/// ceil(out_width/2) x ceil(out_height/2). Strides must be multiples of 64 and at least the widths.
int vg_jpeg_decoder_read_ycbcr420(vg_jpeg_decoder *decoder,
                                  unsigned char *y, size_t y_stride,
                                  unsigned char *cb, size_t cb_stride,
                                  unsigned char *cr, size_t cr_stride, char *message);

/// Finishes a decode started with luma_only into one luma plane.
int vg_jpeg_decoder_read_luma(vg_jpeg_decoder *decoder, unsigned char *y, size_t y_stride, char *message);

/// Encodes planar YCbCr 4:2:0 (jpeg_write_raw_data). *output is malloc'd; free with vg_jpeg_free.
int vg_jpeg_encode_ycbcr420(const unsigned char *y, size_t y_stride,
                            const unsigned char *cb, size_t cb_stride,
                            const unsigned char *cr, size_t cr_stride,
                            int width, int height, int quality,
                            unsigned char **output, unsigned long *output_size, char *message);

/// Encodes a single luma plane as a greyscale JPEG (jpeg_write_scanlines).
int vg_jpeg_encode_luma(const unsigned char *y, size_t y_stride, int width, int height, int quality,
                        unsigned char **output, unsigned long *output_size, char *message);

/// Frees a buffer returned by an encoder.
void vg_jpeg_free(unsigned char *buffer);

#endif
