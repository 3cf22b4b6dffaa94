#!/usr/bin/env python3
"""Writes the classical HOG pedestrian model that OpenCV ships in Vigie's HOGPersonModel format.

Usage:
    python3 export_hog_people_model.py MODEL.txt

The model is Dalal & Triggs' linear SVM trained on INRIA Person (64x128 windows, 3,780 HOG
values and a bias), as `cv2.HOGDescriptor_getDefaultPeopleDetector()` returns it: 3,781 numbers,
the weights in HOG order, then the bias. Vigie ships no trained model; this takes the one a
package installed from PyPI carries (opencv-contrib-python-headless: OpenCV 5 keeps HOG in its
contrib modules), for `vigie track --person-model` and the tests that need a real model (.ci/run
makes it in a virtual environment).
"""
import sys

import cv2


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if not hasattr(cv2, "HOGDescriptor_getDefaultPeopleDetector"):
        sys.exit(f"export_hog_people_model.py: OpenCV {cv2.__version__} here has no HOG people detector "
                 "(OpenCV 5 keeps it in the contrib modules: pip install opencv-contrib-python-headless)")
    values = cv2.HOGDescriptor_getDefaultPeopleDetector().ravel()
    if len(values) != 3781:
        sys.exit(f"export_hog_people_model.py: expected 3781 numbers, OpenCV gave {len(values)}")
    with open(sys.argv[1], "w") as out:
        out.write(f"# HOG pedestrian model (Dalal & Triggs, INRIA Person) from OpenCV {cv2.__version__}: "
                  "3780 weights, then the bias\n")
        for v in values:
            out.write(f"{float(v):.9g}\n")


if __name__ == "__main__":
    main()
