#!/usr/bin/env python3
"""OpenCV's HOG people detector timed with the settings of Vigie's HOGPersonDetector.

Usage:
    python3 hog_speed.py FRAMES_DIR [--max-frames N]

Grey frames (the first N *.jpg of FRAMES_DIR, decoded beforehand), window stride 8, no padding,
scale step 1.05, hit threshold 0, OpenCV's grouping; one thread (cv2.setNumThreads(1)); best of
three passes. Compare with `vigie-bench person-detector FRAMES_DIR MODEL` on the same frames.
"""
import glob
import os
import sys
import time

import cv2


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    limit = int(sys.argv[sys.argv.index("--max-frames") + 1]) if "--max-frames" in sys.argv else 100
    paths = sorted(glob.glob(os.path.join(sys.argv[1], "*.jpg")))[:limit]
    if not paths:
        sys.exit(f"hog_speed.py: no *.jpg in {sys.argv[1]}")
    frames = [cv2.imread(p, cv2.IMREAD_GRAYSCALE) for p in paths]
    cv2.setNumThreads(1)
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    best = float("inf")
    people = 0
    for _ in range(3):
        people = 0
        start = time.perf_counter()
        for f in frames:
            boxes, _ = hog.detectMultiScale(f, winStride=(8, 8), padding=(0, 0), scale=1.05)
            people += len(boxes)
        best = min(best, (time.perf_counter() - start) / len(frames) * 1e3)
    h, w = frames[0].shape
    print(f"OpenCV {cv2.__version__} HOG {w}x{h} ({len(frames)} frames, {people} people found): {best:.1f} ms/frame")


if __name__ == "__main__":
    main()
