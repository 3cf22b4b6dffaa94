#!/usr/bin/env python3
"""OpenCV's usual anonymisation for comparison with Vigie's: GaussianBlur of the frame, then the
blurred pixels copied into the redaction region (foreground mask dilated by the margin, plus the
track boxes grown by it), on a 1920x1080 BGR frame, single-threaded.

    python3 anonymise.py REGIONS_DIR FRAME.jpg [--seconds S] [--json]

REGIONS_DIR is written by `vigie-bench anonymise --export DIR` (foreground.pgm, regions.json), so
both sides redact the same regions. The blur kernel is sized like Vigie's blur mode (radius at
least 8 px and an eighth of the tallest box).
"""
import argparse, json, time
import cv2
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("regions")
    ap.add_argument("frame")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    cv2.setNumThreads(1)
    frame = cv2.resize(cv2.imread(a.frame, cv2.IMREAD_COLOR), (1920, 1080))
    mask = cv2.imread(f"{a.regions}/foreground.pgm", cv2.IMREAD_GRAYSCALE)
    info = json.load(open(f"{a.regions}/regions.json"))
    m = int(info["margin"])
    region = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * m + 1, 2 * m + 1)))
    tallest = 0
    for x, y, w, h in info["boxes"]:
        cv2.rectangle(region, (x - m, y - m), (x + w + m, y + h + m), 255, -1)
        tallest = max(tallest, h)
    radius = max(8, tallest // 8)
    where = (region > 0)[..., None]
    # The kernel matching Vigie's blur strength, and a common smaller one (weaker redaction).
    for k in (2 * radius + 1, 31):
        def once():
            out = frame.copy()
            blurred = cv2.GaussianBlur(frame, (k, k), 0)
            np.copyto(out, blurred, where=where)
            return out

        once()
        calls, start = 0, time.perf_counter()
        while time.perf_counter() - start < a.seconds:
            once()
            calls += 1
        ms = (time.perf_counter() - start) / calls * 1e3
        row = {"tool": "opencv", "mode": f"gaussianblur{k}+copy", "kernel": k,
               "region_fraction": round(float(where.mean()), 4), "ms_per_frame": round(ms, 2),
               "mpix_per_s": round(2.0736 / (ms / 1e3), 1)}
        print(json.dumps(row) if a.json else f"OpenCV GaussianBlur {k}x{k} + copyTo, 1920x1080, region {row['region_fraction']*100:.1f} %: {ms:.2f} ms per frame, {row['mpix_per_s']} MP/s")


if __name__ == "__main__":
    main()
