#!/usr/bin/env python3
"""OpenCV JPEG decode throughput, for comparison with Vigie's JPEG decoder.

Usage:
    python3 jpeg_decode.py FILES_OR_DIR... [--repeat N] [--min-seconds S]
                           [--modes color,reduced4,gray] [--json]

Every JPEG named (a directory contributes its *.jpg / *.jpeg files, sorted) is
read into memory once. Then, for each mode, the whole set is decoded with
``cv2.imdecode`` N times in a row and the wall time of those calls is measured:

    color     cv2.IMREAD_COLOR            (full size, BGR)
    reduced4  cv2.IMREAD_REDUCED_COLOR_4  (1/4 x 1/4 size via libjpeg DCT scaling, BGR)
    gray      cv2.IMREAD_GRAYSCALE        (full size, luma only)

OpenCV runs single-threaded (``cv2.setNumThreads(1)``). Before timing, each
mode decodes the set once as a warm-up; that pass also sets the default N so
that a mode takes about --min-seconds (default 2 s).

Reported per mode:
    mpix_per_s    megapixels of the FULL-resolution image per second of decode,
                  so the scaled and grey modes are comparable with full colour
    ms_per_image  mean wall time of one imdecode call

With --json one JSON object per mode is printed on stdout, e.g.
    {"tool": "opencv", "mode": "color", "width": 320, "height": 240,
     "images": 1700, "mpix_per_s": 123.4, "ms_per_image": 0.62, ...}
("width"/"height" are null if the images do not all have the same size; a few
extra keys - repeat, seconds, opencv, loadavg1 - are added for the record.)
"""

import argparse
import json
import math
import os
import sys
import time

import cv2
import numpy as np

MODES = {
    "color": cv2.IMREAD_COLOR,
    "reduced4": cv2.IMREAD_REDUCED_COLOR_4,
    "gray": cv2.IMREAD_GRAYSCALE,
}

JPEG_SUFFIXES = (".jpg", ".jpeg", ".JPG", ".JPEG")


def list_jpegs(paths):
    """Expand the command-line paths into a list of JPEG files."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            names = sorted(n for n in os.listdir(p) if n.endswith(JPEG_SUFFIXES))
            files.extend(os.path.join(p, n) for n in names)
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"jpeg_decode: no such file or directory: {p}")
    if not files:
        sys.exit("jpeg_decode: no JPEG files found")
    return files


def load_buffers(files):
    """Read each file into a uint8 numpy buffer (the only I/O done)."""
    bufs = []
    for f in files:
        with open(f, "rb") as fh:
            bufs.append(np.frombuffer(fh.read(), dtype=np.uint8))
    return bufs


def decode_all(bufs, flag):
    """One pass over the set; returns nothing, raises if a decode fails."""
    for b in bufs:
        if cv2.imdecode(b, flag) is None:
            raise RuntimeError("cv2.imdecode failed")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", metavar="FILES_OR_DIR")
    ap.add_argument("--repeat", type=int, default=None,
                    help="passes over the set per mode (default: about --min-seconds)")
    ap.add_argument("--min-seconds", type=float, default=2.0,
                    help="target time per mode when --repeat is not given (default 2)")
    ap.add_argument("--modes", default=",".join(MODES),
                    help="comma-separated subset of: " + ", ".join(MODES))
    ap.add_argument("--json", action="store_true", help="one JSON object per mode on stdout")
    args = ap.parse_args(argv)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for m in modes:
        if m not in MODES:
            ap.error(f"unknown mode {m!r}")
    if args.repeat is not None and args.repeat < 1:
        ap.error("--repeat must be >= 1")

    cv2.setNumThreads(1)
    files = list_jpegs(args.paths)
    bufs = load_buffers(files)

    # Full-resolution geometry of every image (also validates that all decode).
    sizes = []
    for f, b in zip(files, bufs):
        img = cv2.imdecode(b, cv2.IMREAD_GRAYSCALE)
        if img is None:
            sys.exit(f"jpeg_decode: cannot decode {f}")
        sizes.append((img.shape[1], img.shape[0]))
    total_mpix = sum(w * h for w, h in sizes) / 1e6
    uniform = all(s == sizes[0] for s in sizes)
    width, height = sizes[0] if uniform else (None, None)
    n = len(bufs)

    if not args.json:
        geom = f"{width}x{height}" if uniform else "mixed sizes"
        print(f"OpenCV {cv2.__version__}, {n} JPEG(s), {geom}, "
              f"{total_mpix:.3f} Mpix per pass, threads={cv2.getNumThreads()}, "
              f"loadavg {os.getloadavg()[0]:.2f}")
        print(f"{'mode':<10} {'repeat':>7} {'seconds':>8} {'Mpix/s':>9} {'ms/image':>9}")

    for mode in modes:
        flag = MODES[mode]
        t0 = time.perf_counter()
        decode_all(bufs, flag)  # warm-up pass, not counted
        warm = time.perf_counter() - t0
        repeat = args.repeat or max(1, math.ceil(args.min_seconds / max(warm, 1e-9)))

        t0 = time.perf_counter()
        for _ in range(repeat):
            decode_all(bufs, flag)
        elapsed = time.perf_counter() - t0

        mpix_per_s = total_mpix * repeat / elapsed
        ms_per_image = 1000.0 * elapsed / (n * repeat)
        if args.json:
            print(json.dumps({
                "tool": "opencv", "mode": mode, "width": width, "height": height,
                "images": n, "mpix_per_s": round(mpix_per_s, 3),
                "ms_per_image": round(ms_per_image, 5),
                "repeat": repeat, "seconds": round(elapsed, 4), "opencv": cv2.__version__,
                "loadavg1": round(os.getloadavg()[0], 2),
            }), flush=True)
        else:
            print(f"{mode:<10} {repeat:>7} {elapsed:>8.3f} {mpix_per_s:>9.2f} {ms_per_image:>9.4f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
