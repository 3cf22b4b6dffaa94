#!/usr/bin/env python3
"""A non-neural person detector's boxes as a MOT Challenge det.txt, for `vigie track --detections`.

Usage:
    python3 hog_detections.py FRAMES_DIR DET.txt

Runs OpenCV's HOG + linear SVM people detector (Dalal & Triggs 2005, the model OpenCV ships,
trained on INRIA Person) over every *.jpg of FRAMES_DIR, sorted by name and numbered from 1,
with OpenCV's defaults (64x128 window, hit threshold 0, scale step 1.05, grouping of
overlapping windows) but a 4-pixel window stride and 8 pixels of padding (the values OpenCV's
own people-detection sample uses). Writes `frame,-1,left,top,width,height,score,-1,-1,-1`
where score is the SVM margin.

The detector's window is the INRIA training window: 64x128 pixels with the person about 96
pixels tall in the middle and a margin all round. A box is written as the person's part of it
(the middle half of its width, the middle three quarters of its height), as MOT ground truth
boxes are drawn round the body; nothing is fitted to any sequence.

This is a benchmark tool, run in a virtual environment beside the repository (see README.md):
the library does not use OpenCV.
"""
import glob
import os
import sys

import cv2


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    frames = sorted(glob.glob(os.path.join(sys.argv[1], "*.jpg")))
    if not frames:
        sys.exit(f"hog_detections.py: no *.jpg in {sys.argv[1]}")
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    with open(sys.argv[2], "w") as out:
        for number, path in enumerate(frames, 1):
            image = cv2.imread(path)
            if image is None:
                sys.exit(f"hog_detections.py: cannot read {path}")
            boxes, scores = hog.detectMultiScale(image, winStride=(4, 4), padding=(8, 8), scale=1.05)
            for (x, y, w, h), score in zip(boxes, scores):
                bw, bh = w * 0.5, h * 0.75
                out.write(f"{number},-1,{x + (w - bw) / 2:.1f},{y + (h - bh) / 2:.1f},{bw:.1f},{bh:.1f},"
                          f"{float(score):.3f},-1,-1,-1\n")


if __name__ == "__main__":
    main()
