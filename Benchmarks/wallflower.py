#!/usr/bin/env python3
"""Wallflower WavingTrees (Toyama et al., ICCV 1999): total error (FP + FN pixels) on the one
hand-segmented frame (247), for Vigie's models and OpenCV's, on the same frames.

    python3 Benchmarks/wallflower.py [WAVINGTREES_DIR]

Needs ffmpeg (the BMP frames become a Y4M stream for `vigie motion`), `swift build -c release`,
and the OpenCV virtual environment's Python (VIGIE_BENCH_PYTHON, default /work/venv-bench/bin/python)
for the OpenCV side, which this script runs as a child process.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = os.environ.get("VIGIE_BENCH_PYTHON", "/work/venv-bench/bin/python")
SEQ = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "wallflower", "WavingTrees")

OPENCV = r'''
import cv2, glob, json, sys, numpy as np
seq = sys.argv[1]
cv2.setNumThreads(1)
frames = [cv2.imread(f"{seq}/b{i:05d}.bmp") for i in range(248)]
gt = cv2.imread(glob.glob(seq + "/hand_segmented_00247.*")[0], cv2.IMREAD_GRAYSCALE) >= 128
makers = {"mog2": cv2.createBackgroundSubtractorMOG2, "knn": cv2.createBackgroundSubtractorKNN,
          "cnt": cv2.bgsegm.createBackgroundSubtractorCNT, "gsoc": cv2.bgsegm.createBackgroundSubtractorGSOC}
out = {}
for name, make in makers.items():
    m = make()
    for f in frames: mask = m.apply(f)
    fg = mask == 255
    out[name] = {"fp": int(np.sum(fg & ~gt)), "fn": int(np.sum(~fg & gt))}
print(json.dumps(out))
'''


def vigie(model, y4m, work):
    out = os.path.join(work, model)
    subprocess.run([os.path.join(ROOT, ".build", "release", "vigie"), "motion", "--input", y4m, "--output", out,
                    "--model", model], check=True, capture_output=True)
    with open(os.path.join(out, "bin000248.pgm"), "rb") as f:  # b00247 is the 248th frame
        data = f.read()
    return data[-160 * 120:]


def main():
    import struct
    with tempfile.TemporaryDirectory() as work:
        y4m = os.path.join(work, "waving.y4m")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-framerate", "15", "-start_number", "0", "-i",
                        os.path.join(SEQ, "b%05d.bmp"), "-frames:v", "248", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe",
                        y4m], check=True)
        gt_path = [p for p in os.listdir(SEQ) if p.lower().startswith("hand_segmented_00247")][0]
        # The ground truth is a 24-bit BMP: read its pixel rows (bottom-up, 4-byte aligned).
        with open(os.path.join(SEQ, gt_path), "rb") as f:
            bmp = f.read()
        offset = struct.unpack_from("<I", bmp, 10)[0]
        w, h = struct.unpack_from("<ii", bmp, 18)
        stride = (w * 3 + 3) & ~3
        gt = [[bmp[offset + (h - 1 - y) * stride + x * 3] >= 128 for x in range(w)] for y in range(h)]
        rows = []
        for model in ("adaptive", "sigma-delta", "dual-rate"):
            mask = vigie(model, y4m, work)
            fp = sum(1 for y in range(h) for x in range(w) if mask[y * w + x] and not gt[y][x])
            fn = sum(1 for y in range(h) for x in range(w) if not mask[y * w + x] and gt[y][x])
            rows.append(("Vigie " + model, fp, fn))
        try:
            cv = json.loads(subprocess.run([PY, "-c", OPENCV, SEQ], check=True, capture_output=True, text=True).stdout)
            rows = [("OpenCV " + k, v["fp"], v["fn"]) for k, v in cv.items()] + rows
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"(OpenCV side skipped: {e})")
    print(f"Wallflower WavingTrees, frame 247 (160x120): total error = FP + FN pixels")
    print(f"{'model':22s} {'FP':>6s} {'FN':>6s} {'total':>6s}")
    for name, fp, fn in rows:
        print(f"{name:22s} {fp:6d} {fn:6d} {fp + fn:6d}")


if __name__ == "__main__":
    main()
