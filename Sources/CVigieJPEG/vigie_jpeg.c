#include "vigie_jpeg.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>

// MARK: - Error manager

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *message;
    int status;  // the status the setjmp returns: VG_JPEG_FAILED unless a limit was hit
    long max_memory;
} vg_error_mgr;

static void vg_error_exit(j_common_ptr cinfo) {
    vg_error_mgr *err = (vg_error_mgr *)cinfo->err;
    int code = cinfo->err->msg_code;
    if (err->max_memory > 0 && (code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY)) {
        // A virtual array (a progressive image's coefficients) did not fit in max_memory_to_use.
        snprintf(err->message, VG_JPEG_MESSAGE_CAPACITY,
                 "image needs more than %ld bytes of decoder memory", err->max_memory);
        err->status = VG_JPEG_OVER_BUDGET;
    } else {
        (*cinfo->err->format_message)(cinfo, err->message);
        err->status = VG_JPEG_FAILED;
    }
    longjmp(err->jump, 1);
}

// MARK: - Scan limit
//
// libjpeg reads a progressive image's scans one after another with no bound of its own; a file
// of thousands of tiny scans costs a full pass over the coefficients each. The progress monitor
// is called at least once per iMCU row while scans are read (jpeg_start_decompress absorbs a
// multi-scan image's input) and stops the image past max_scans.

typedef struct {
    struct jpeg_progress_mgr pub;
    int max_scans;
} vg_progress_mgr;

static void vg_progress_monitor(j_common_ptr cinfo) {
    vg_progress_mgr *progress = (vg_progress_mgr *)cinfo->progress;
    if (!cinfo->is_decompressor || progress->max_scans <= 0) return;
    j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;
    if (dinfo->input_scan_number > progress->max_scans) {
        vg_error_mgr *err = (vg_error_mgr *)cinfo->err;
        snprintf(err->message, VG_JPEG_MESSAGE_CAPACITY, "image has more than %d scans", progress->max_scans);
        err->status = VG_JPEG_OVER_BUDGET;
        longjmp(err->jump, 1);
    }
}

// Warnings (level -1) about corrupt or truncated data are errors for Vigie: a frame with
// grey-filled blocks would look like motion. Extraneous bytes between markers are
// common in camera streams and harmless, so they stay warnings.
static void vg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA) {
        vg_error_exit(cinfo);
    }
}

static void vg_install_errors(struct jpeg_error_mgr *pub, char *message) {
    vg_error_mgr *err = (vg_error_mgr *)pub;
    err->status = VG_JPEG_FAILED;
    err->max_memory = 0;
    jpeg_std_error(pub);
    pub->error_exit = vg_error_exit;
    pub->emit_message = vg_emit_message;
    message[0] = 0;
}

static void vg_set_message(char *message, const char *text) {
    strncpy(message, text, VG_JPEG_MESSAGE_CAPACITY - 1);
    message[VG_JPEG_MESSAGE_CAPACITY - 1] = 0;
}

static int vg_colour_space(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return VG_JPEG_CS_GRAY;
    case JCS_YCbCr: return VG_JPEG_CS_YCBCR;
    case JCS_RGB: return VG_JPEG_CS_RGB;
    case JCS_CMYK: return VG_JPEG_CS_CMYK;
    case JCS_YCCK: return VG_JPEG_CS_YCCK;
    default: return VG_JPEG_CS_UNKNOWN;
    }
}

static int vg_is_ycbcr420(const struct jpeg_decompress_struct *cinfo) {
    return cinfo->jpeg_color_space == JCS_YCbCr && cinfo->num_components == 3 &&
           cinfo->comp_info[0].h_samp_factor == 2 && cinfo->comp_info[0].v_samp_factor == 2 &&
           cinfo->comp_info[1].h_samp_factor == 1 && cinfo->comp_info[1].v_samp_factor == 1 &&
           cinfo->comp_info[2].h_samp_factor == 1 && cinfo->comp_info[2].v_samp_factor == 1;
}

// MARK: - Header

int vg_jpeg_read_info(const unsigned char *data, size_t size, vg_jpeg_info *info, char *message) {
    struct jpeg_decompress_struct cinfo;
    vg_error_mgr err;
    if (size == 0) { vg_set_message(message, "empty input"); return 1; }
    cinfo.err = &err.pub;
    vg_install_errors(&err.pub, message);
    err.message = message;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    info->components = cinfo.num_components;
    info->colour_space = vg_colour_space(cinfo.jpeg_color_space);
    info->is_ycbcr420 = vg_is_ycbcr420(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

static int vg_check_scale(int d, char *message) {
    if (d == 1 || d == 2 || d == 4 || d == 8) return 0;
    vg_set_message(message, "scale denominator must be 1, 2, 4 or 8");
    return 1;
}

// MARK: - Reusable decoder
//
// A decoder keeps one jpeg_decompress_struct (its memory pools, Huffman and quantisation
// state) across images, so a stream pays libjpeg's set-up once. Each entry point has its own
// setjmp; after an error the struct is reset with jpeg_abort_decompress and stays usable.

struct vg_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    vg_error_mgr err;
    vg_progress_mgr progress;
    int started;
    int raw;
    int grey;
    unsigned char *scratch;
    size_t scratch_size;
};

vg_jpeg_decoder *vg_jpeg_decoder_create(void) {
    vg_jpeg_decoder *d = (vg_jpeg_decoder *)calloc(1, sizeof(vg_jpeg_decoder));
    if (!d) return NULL;
    char ignored[VG_JPEG_MESSAGE_CAPACITY];
    d->cinfo.err = &d->err.pub;
    vg_install_errors(&d->err.pub, ignored);
    d->err.message = ignored;
    if (setjmp(d->err.jump)) { free(d); return NULL; }
    jpeg_create_decompress(&d->cinfo);
    d->err.message = NULL;  // each entry point points it at the caller's buffer
    return d;
}

void vg_jpeg_decoder_destroy(vg_jpeg_decoder *d) {
    if (!d) return;
    jpeg_destroy_decompress(&d->cinfo);
    free(d->scratch);
    free(d);
}

static unsigned char *vg_scratch(vg_jpeg_decoder *d, size_t size) {
    if (d->scratch_size < size) {
        free(d->scratch);
        d->scratch = (unsigned char *)malloc(size);
        d->scratch_size = d->scratch ? size : 0;
    }
    return d->scratch;
}

int vg_jpeg_decoder_start(vg_jpeg_decoder *d, const unsigned char *data, size_t size, int scale_denominator,
                          int luma_only, const vg_jpeg_limits *limits, int *out_width, int *out_height,
                          char *message) {
    d->err.message = message;
    d->err.status = VG_JPEG_FAILED;
    message[0] = 0;
    if (d->started) { jpeg_abort_decompress(&d->cinfo); d->started = 0; }
    if (size == 0) { vg_set_message(message, "empty input"); return VG_JPEG_FAILED; }
    if (vg_check_scale(scale_denominator, message)) return VG_JPEG_FAILED;
    if (setjmp(d->err.jump)) {
        jpeg_abort_decompress(&d->cinfo);
        d->started = 0;
        return d->err.status;
    }
    struct jpeg_decompress_struct *cinfo = &d->cinfo;
    d->progress.pub.progress_monitor = vg_progress_monitor;
    d->progress.max_scans = limits ? limits->max_scans : 0;
    cinfo->progress = &d->progress.pub;
    d->err.max_memory = limits ? limits->max_memory : 0;
    cinfo->mem->max_memory_to_use = d->err.max_memory;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    if (limits) {
        // The size is known and nothing is allocated for the image yet: refuse it here.
        const long long w = (long long)cinfo->image_width, h = (long long)cinfo->image_height;
        if ((limits->max_width > 0 && w > limits->max_width) || (limits->max_height > 0 && h > limits->max_height) ||
            (limits->max_pixels > 0 && w * h > limits->max_pixels)) {
            *out_width = (int)cinfo->image_width;
            *out_height = (int)cinfo->image_height;
            snprintf(message, VG_JPEG_MESSAGE_CAPACITY, "image is %lldx%lld", w, h);
            jpeg_abort_decompress(cinfo);
            return VG_JPEG_TOO_LARGE;
        }
    }
    if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK) {
        vg_set_message(message, "CMYK/YCCK JPEG is not supported");
        jpeg_abort_decompress(cinfo);
        return 1;
    }
    cinfo->scale_num = 1;
    cinfo->scale_denom = (unsigned int)scale_denominator;
    cinfo->dct_method = JDCT_ISLOW;
    d->raw = !luma_only && vg_is_ycbcr420(cinfo);
    d->grey = luma_only || cinfo->jpeg_color_space == JCS_GRAYSCALE;
    if (d->raw) {
        cinfo->raw_data_out = TRUE;
    } else {
        cinfo->raw_data_out = FALSE;
        cinfo->out_color_space = d->grey ? JCS_GRAYSCALE : JCS_YCbCr;
    }
    jpeg_start_decompress(cinfo);
    d->started = 1;
    *out_width = (int)cinfo->output_width;
    *out_height = (int)cinfo->output_height;
    return 0;
}

int vg_jpeg_decoder_read_ycbcr420(vg_jpeg_decoder *d,
                                  unsigned char *y, size_t y_stride,
                                  unsigned char *cb, size_t cb_stride,
                                  unsigned char *cr, size_t cr_stride, char *message) {
    d->err.message = message;
    d->err.status = VG_JPEG_FAILED;
    message[0] = 0;
    if (!d->started) { vg_set_message(message, "decoder not started"); return 1; }
    if (setjmp(d->err.jump)) {
        jpeg_abort_decompress(&d->cinfo);
        d->started = 0;
        return d->err.status;
    }
    struct jpeg_decompress_struct *cinfo = &d->cinfo;
    const int out_width = (int)cinfo->output_width, out_height = (int)cinfo->output_height;
    const int cw = (out_width + 1) / 2, ch = (out_height + 1) / 2;
    if (d->raw) {
        // One call reads one iMCU row: max_v_samp_factor * min_DCT_scaled_size luma lines.
        // When scaling, libjpeg gives chroma a DCT size twice luma's (it prefers IDCT scaling to
        // upsampling), so chroma arrives at luma resolution: it is then decoded into scratch rows
        // and averaged 2x2 into the planes.
        const int s = cinfo->min_DCT_scaled_size;
        const int cs = cinfo->comp_info[1].DCT_scaled_size;
        const int luma_rows = 2 * s, chroma_rows = cs;
        const int halve = cs != s;
        if (cs != s && cs != 2 * s) {
            vg_set_message(message, "unexpected chroma DCT scaling");
            jpeg_abort_decompress(cinfo);
            d->started = 0;
            return 1;
        }
        const size_t chroma_scratch_width = (size_t)cinfo->comp_info[1].width_in_blocks * (size_t)cs + 64;
        size_t widest = y_stride > cb_stride ? y_stride : cb_stride;
        widest = widest > cr_stride ? widest : cr_stride;
        // Layout: one discard row for rows past the bottom, then 2 x 16 chroma rows.
        const size_t discard = widest + 64;
        unsigned char *scratch = vg_scratch(d, discard + (halve ? 2 * 16 * chroma_scratch_width : 0));
        if (!scratch) {
            vg_set_message(message, "out of memory");
            jpeg_abort_decompress(cinfo);
            d->started = 0;
            return 1;
        }
        unsigned char *chroma_scratch = scratch + discard;
        JSAMPROW yrows[16], cbrows[16], crrows[16];
        JSAMPARRAY planes[3] = { yrows, cbrows, crrows };
        while (cinfo->output_scanline < cinfo->output_height) {
            const int top = (int)cinfo->output_scanline;
            for (int r = 0; r < luma_rows; r++) {
                int row = top + r;
                yrows[r] = row < out_height ? y + (size_t)row * y_stride : scratch;
            }
            for (int r = 0; r < chroma_rows; r++) {
                if (halve) {
                    cbrows[r] = chroma_scratch + (size_t)r * chroma_scratch_width;
                    crrows[r] = chroma_scratch + (size_t)(16 + r) * chroma_scratch_width;
                } else {
                    int row = top / 2 + r;
                    cbrows[r] = row < ch ? cb + (size_t)row * cb_stride : scratch;
                    crrows[r] = row < ch ? cr + (size_t)row * cr_stride : scratch;
                }
            }
            if (jpeg_read_raw_data(cinfo, planes, (JDIMENSION)luma_rows) == 0) {
                vg_set_message(message, "decoder made no progress (suspended on truncated data)");
                jpeg_abort_decompress(cinfo);
                d->started = 0;
                return 1;
            }
            if (halve) {
                // chroma_rows (= luma_rows) scratch rows at luma resolution -> half as many plane rows.
                for (int r = 0; r < chroma_rows / 2; r++) {
                    int row = top / 2 + r;
                    if (row >= ch) break;
                    for (int p = 0; p < 2; p++) {
                        const unsigned char *a = (p == 0 ? cbrows : crrows)[2 * r];
                        const unsigned char *b = (p == 0 ? cbrows : crrows)[2 * r + 1];
                        unsigned char *dst = (p == 0 ? cb + (size_t)row * cb_stride : cr + (size_t)row * cr_stride);
                        for (int x = 0; x < cw; x++) {
                            int x0 = 2 * x, x1 = 2 * x + 1 < out_width ? 2 * x + 1 : 2 * x;
                            dst[x] = (unsigned char)((a[x0] + a[x1] + b[x0] + b[x1] + 2) >> 2);
                        }
                    }
                }
            }
        }
    } else {
        const int grey = d->grey;
        const int comps = grey ? 1 : 3;
        unsigned char *scratch = vg_scratch(d, (size_t)out_width * 3 * 2 + 64);
        if (!scratch) {
            vg_set_message(message, "out of memory");
            jpeg_abort_decompress(cinfo);
            d->started = 0;
            return 1;
        }
        unsigned char *rows[2] = { scratch, scratch + (size_t)out_width * 3 };
        while (cinfo->output_scanline < cinfo->output_height) {
            const int top = (int)cinfo->output_scanline;
            const int count = (top + 1 < out_height) ? 2 : 1;
            for (int r = 0; r < count; r++) {
                // Luma-only frames are decoded straight into the plane.
                JSAMPROW row = (cb == NULL) ? y + (size_t)(top + r) * y_stride : rows[r];
                if (jpeg_read_scanlines(cinfo, &row, 1) != 1) {
                    vg_set_message(message, "decoder made no progress (suspended on truncated data)");
                    jpeg_abort_decompress(cinfo);
                    d->started = 0;
                    return 1;
                }
                if (cb == NULL) continue;
                unsigned char *dst = y + (size_t)(top + r) * y_stride;
                if (grey) {
                    memcpy(dst, rows[r], (size_t)out_width);
                } else {
                    for (int x = 0; x < out_width; x++) dst[x] = rows[r][x * comps];
                }
            }
            if (cb == NULL) continue;
            unsigned char *cbrow = cb + (size_t)(top / 2) * cb_stride;
            unsigned char *crrow = cr + (size_t)(top / 2) * cr_stride;
            if (grey) {
                memset(cbrow, 128, (size_t)cw);
                memset(crrow, 128, (size_t)cw);
                continue;
            }
            const unsigned char *a = rows[0], *b = rows[count - 1];
            for (int x = 0; x < cw; x++) {
                int x0 = 2 * x, x1 = (2 * x + 1 < out_width) ? 2 * x + 1 : 2 * x;
                cbrow[x] = (unsigned char)((a[x0 * 3 + 1] + a[x1 * 3 + 1] + b[x0 * 3 + 1] + b[x1 * 3 + 1] + 2) >> 2);
                crrow[x] = (unsigned char)((a[x0 * 3 + 2] + a[x1 * 3 + 2] + b[x0 * 3 + 2] + b[x1 * 3 + 2] + 2) >> 2);
            }
        }
    }
    jpeg_finish_decompress(cinfo);
    d->started = 0;
    return 0;
}

int vg_jpeg_decoder_read_luma(vg_jpeg_decoder *d, unsigned char *y, size_t y_stride, char *message) {
    if (d->started && !d->grey) {
        vg_set_message(message, "decoder was started for colour output");
        return 1;
    }
    return vg_jpeg_decoder_read_ycbcr420(d, y, y_stride, NULL, 0, NULL, 0, message);
}

// MARK: - Encode

int vg_jpeg_encode_ycbcr420(const unsigned char *y, size_t y_stride,
                            const unsigned char *cb, size_t cb_stride,
                            const unsigned char *cr, size_t cr_stride,
                            int width, int height, int quality,
                            unsigned char **output, unsigned long *output_size, char *message) {
    struct jpeg_compress_struct cinfo;
    vg_error_mgr err;
    unsigned char *buffer = NULL; // address escapes to libjpeg, so it survives longjmp
    unsigned long buffer_size = 0;
    cinfo.err = &err.pub;
    vg_install_errors(&err.pub, message);
    err.message = message;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&cinfo);
    jpeg_set_colorspace(&cinfo, JCS_YCbCr);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.raw_data_in = TRUE;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.comp_info[0].h_samp_factor = 2; cinfo.comp_info[0].v_samp_factor = 2;
    cinfo.comp_info[1].h_samp_factor = 1; cinfo.comp_info[1].v_samp_factor = 1;
    cinfo.comp_info[2].h_samp_factor = 1; cinfo.comp_info[2].v_samp_factor = 1;
    jpeg_start_compress(&cinfo, TRUE);
    const int ch = (height + 1) / 2;
    JSAMPROW yrows[16], cbrows[8], crrows[8];
    JSAMPARRAY planes[3] = { yrows, cbrows, crrows };
    while (cinfo.next_scanline < cinfo.image_height) {
        const int top = (int)cinfo.next_scanline;
        // Rows past the bottom repeat the last row (edge replication).
        for (int r = 0; r < 16; r++) {
            int row = top + r < height ? top + r : height - 1;
            yrows[r] = (JSAMPROW)(y + (size_t)row * y_stride);
        }
        for (int r = 0; r < 8; r++) {
            int row = top / 2 + r < ch ? top / 2 + r : ch - 1;
            cbrows[r] = (JSAMPROW)(cb + (size_t)row * cb_stride);
            crrows[r] = (JSAMPROW)(cr + (size_t)row * cr_stride);
        }
        jpeg_write_raw_data(&cinfo, planes, 16);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *output = buffer;
    *output_size = buffer_size;
    return 0;
}

int vg_jpeg_encode_luma(const unsigned char *y, size_t y_stride, int width, int height, int quality,
                        unsigned char **output, unsigned long *output_size, char *message) {
    struct jpeg_compress_struct cinfo;
    vg_error_mgr err;
    unsigned char *buffer = NULL; // address escapes to libjpeg, so it survives longjmp
    unsigned long buffer_size = 0;
    cinfo.err = &err.pub;
    vg_install_errors(&err.pub, message);
    err.message = message;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(y + (size_t)cinfo.next_scanline * y_stride);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *output = buffer;
    *output_size = buffer_size;
    return 0;
}

void vg_jpeg_free(unsigned char *buffer) { free(buffer); }
