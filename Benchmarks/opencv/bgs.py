#!/usr/bin/env python3
"""OpenCV background subtraction: speed, and CDnet quality where ground truth exists.

Usage:
    python3 bgs.py SEQUENCE_DIR [--models mog2,knn,cnt,gsoc] [--gray]
                   [--max-frames N] [--json]
    python3 bgs.py --frames-dir DIR [--models ...] [--gray] [--max-frames N] [--json]

SEQUENCE_DIR has the CDnet 2014 layout:
    input/in000001.jpg ...        the frames, numbered from 1
    groundtruth/gt000001.png ...  0 static, 50 hard shadow, 85 outside ROI,
                                  170 unknown (motion blur), 255 moving
    temporalROI.txt               "first last": the frames that are scored
    ROI.bmp                       non-zero = pixel is scored

--frames-dir DIR takes any folder of images (*.jpg, *.jpeg, *.png, sorted by
name) with no ground truth: speed only.

Models (OpenCV defaults throughout):
    mog2  cv2.createBackgroundSubtractorMOG2()
    knn   cv2.createBackgroundSubtractorKNN()
    cnt   cv2.bgsegm.createBackgroundSubtractorCNT()
    gsoc  cv2.bgsegm.createBackgroundSubtractorGSOC()
MOG2 and KNN mark shadows as 127; only mask == 255 counts as foreground, so a
detected shadow counts as background.

All frames are decoded into memory first (BGR colour, or grey with --gray).
Then each model gets a fresh subtractor and every frame, in order, from frame 1
(frames before the temporal ROI are its warm-up). Only the apply() calls are
timed, with OpenCV single-threaded (cv2.setNumThreads(1)). Reported:
    ms_per_frame  mean wall time of one apply()
    mpix_per_s    frame megapixels (width*height/1e6) per second of apply time

Scoring (CDnet metrics, over frames first..last of temporalROI.txt and pixels
where ROI.bmp is non-zero; the mask is compared with the ground truth):
    ground truth 255 -> positive; 0 and 50 -> negative; 85 and 170 -> not scored
    TP, FP, FN, TN summed over all scored pixels of all scored frames, then
    recall = TP/(TP+FN)          specificity = TN/(TN+FP)
    fpr    = FP/(FP+TN)          fnr         = FN/(TP+FN)
    pwc    = 100*(FN+FP)/(TP+FN+FP+TN)
    precision = TP/(TP+FP)       f_measure   = 2*P*R/(P+R)
(The CDnet reference comparator differs only in counting 85 inside ROI.bmp as
negative; CDnet ground truth has 85 only outside the ROI or outside the
temporal ROI, where neither rule scores it.)

With --json, one JSON object per model on stdout:
    {"tool": "opencv", "model": "mog2", "tp": .., "fp": .., "fn": .., "tn": ..,
     "recall": .., "specificity": .., "fpr": .., "fnr": .., "pwc": ..,
     "precision": .., "f_measure": .., "mpix_per_s": .., "ms_per_frame": ..,
     "width": .., "height": .., "frames": .., ...}
(metric keys are absent in --frames-dir mode; a metric whose denominator is 0
is null; "frames" is the number of frames applied, "scored_frames" the number
scored.)
"""

import argparse
import json
import os
import re
import sys
import time

import cv2
import numpy as np

MODEL_NAMES = ("mog2", "knn", "cnt", "gsoc")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")

GT_MOTION = 255
GT_NEGATIVE = (0, 50)          # static, hard shadow
GT_UNSCORED = (85, 170)        # outside ROI, unknown


def make_subtractor(name):
    if name == "mog2":
        return cv2.createBackgroundSubtractorMOG2()
    if name == "knn":
        return cv2.createBackgroundSubtractorKNN()
    if not hasattr(cv2, "bgsegm"):
        sys.exit("bgs: cv2.bgsegm is missing; install opencv-contrib-python(-headless)")
    if name == "cnt":
        return cv2.bgsegm.createBackgroundSubtractorCNT()
    if name == "gsoc":
        return cv2.bgsegm.createBackgroundSubtractorGSOC()
    raise ValueError(name)


def frame_number(filename):
    """in000123.jpg -> 123 (last run of digits in the name)."""
    m = re.findall(r"\d+", os.path.basename(filename))
    return int(m[-1]) if m else None


def read_image(path, flag):
    img = cv2.imread(path, flag)
    if img is None:
        sys.exit(f"bgs: cannot read {path}")
    return img


def load_frames(files, gray):
    flag = cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR
    frames = [read_image(f, flag) for f in files]
    shape = frames[0].shape
    for f, img in zip(files, frames):
        if img.shape != shape:
            sys.exit(f"bgs: {f} is {img.shape}, expected {shape}")
    return frames


def list_images(folder):
    if not os.path.isdir(folder):
        sys.exit(f"bgs: not a directory: {folder}")
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_SUFFIXES))
    if not names:
        sys.exit(f"bgs: no images in {folder}")
    return [os.path.join(folder, n) for n in names]


class GroundTruth:
    """Per scored frame: boolean positive / negative masks already restricted to the ROI."""

    def __init__(self, seq_dir, frame_numbers, height, width):
        with open(os.path.join(seq_dir, "temporalROI.txt")) as fh:
            first, last = (int(x) for x in fh.read().split()[:2])
        self.first, self.last = first, last
        roi_path = os.path.join(seq_dir, "ROI.bmp")
        roi = read_image(roi_path, cv2.IMREAD_GRAYSCALE)
        if roi.shape != (height, width):
            sys.exit(f"bgs: ROI.bmp is {roi.shape[::-1]}, frames are {(width, height)}")
        roi = roi != 0
        self.pos = {}   # frame index (0-based position in the frame list) -> bool mask
        self.neg = {}
        self.n_pos = {}
        self.n_neg = {}
        self.other_values = 0
        for idx, num in enumerate(frame_numbers):
            if num is None or num < first or num > last:
                continue
            gt_path = os.path.join(seq_dir, "groundtruth", f"gt{num:06d}.png")
            gt = read_image(gt_path, cv2.IMREAD_GRAYSCALE)
            if gt.shape != (height, width):
                sys.exit(f"bgs: {gt_path} is {gt.shape[::-1]}, frames are {(width, height)}")
            pos = (gt == GT_MOTION) & roi
            neg = ((gt == GT_NEGATIVE[0]) | (gt == GT_NEGATIVE[1])) & roi
            known = np.isin(gt, (GT_MOTION,) + GT_NEGATIVE + GT_UNSCORED)
            self.other_values += int(np.count_nonzero(~known & roi))
            self.pos[idx], self.neg[idx] = pos, neg
            self.n_pos[idx] = int(np.count_nonzero(pos))
            self.n_neg[idx] = int(np.count_nonzero(neg))
        if not self.pos:
            sys.exit(f"bgs: no loaded frame lies in the temporal ROI {first}..{last} "
                     "(raise --max-frames, or use --frames-dir for speed only)")


def ratio(num, den):
    return num / den if den else None


def metrics(tp, fp, fn, tn):
    recall = ratio(tp, tp + fn)
    precision = ratio(tp, tp + fp)
    if recall is None or precision is None or recall + precision == 0:
        f = None
    else:
        f = 2 * precision * recall / (precision + recall)
    total = tp + fn + fp + tn
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "recall": recall,
        "specificity": ratio(tn, tn + fp),
        "fpr": ratio(fp, fp + tn),
        "fnr": ratio(fn, tp + fn),
        "pwc": (100.0 * (fn + fp) / total) if total else None,
        "precision": precision,
        "f_measure": f,
    }


def run_model(name, frames, gt, steady=False):
    sub = make_subtractor(name)
    apply = sub.apply
    clock = time.perf_counter
    seconds = 0.0
    tp = fp = fn = tn = 0
    if steady:
        # Steady state: one untimed pass first (the model learns the scene), then the frames are
        # timed backwards on the same model (no cut of the view), as vigie-bench bgs --steady does.
        for frame in frames:
            apply(frame)
        for frame in reversed(frames):
            t0 = clock()
            apply(frame)
            seconds += clock() - t0
        return seconds, None
    for idx, frame in enumerate(frames):
        t0 = clock()
        mask = apply(frame)
        seconds += clock() - t0
        if gt is not None and idx in gt.pos:
            fg = mask == 255
            tp_i = int(np.count_nonzero(fg & gt.pos[idx]))
            fp_i = int(np.count_nonzero(fg & gt.neg[idx]))
            tp += tp_i
            fp += fp_i
            fn += gt.n_pos[idx] - tp_i
            tn += gt.n_neg[idx] - fp_i
    return seconds, (metrics(tp, fp, fn, tn) if gt is not None else None)


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sequence", nargs="?", metavar="SEQUENCE_DIR",
                    help="CDnet-layout sequence folder")
    ap.add_argument("--frames-dir", metavar="DIR",
                    help="any folder of images, no ground truth (speed only)")
    ap.add_argument("--models", default=",".join(MODEL_NAMES),
                    help="comma-separated subset of: " + ",".join(MODEL_NAMES))
    ap.add_argument("--gray", action="store_true", help="feed 8-bit grey frames instead of BGR")
    ap.add_argument("--max-frames", type=int, default=None, metavar="N",
                    help="use only the first N frames")
    ap.add_argument("--json", action="store_true", help="one JSON object per model on stdout")
    ap.add_argument("--steady", action="store_true",
                    help="time a second (backwards) pass after an untimed one: steady state, no scores")
    args = ap.parse_args(argv)

    if (args.sequence is None) == (args.frames_dir is None):
        ap.error("give exactly one of SEQUENCE_DIR or --frames-dir DIR")
    models = [m.strip().lower() for m in args.models.split(",") if m.strip()]
    for m in models:
        if m not in MODEL_NAMES:
            ap.error(f"unknown model {m!r}")
    if args.max_frames is not None and args.max_frames < 1:
        ap.error("--max-frames must be >= 1")

    cv2.setNumThreads(1)

    source = args.sequence or args.frames_dir
    files = list_images(os.path.join(args.sequence, "input") if args.sequence else args.frames_dir)
    if args.max_frames is not None:
        files = files[:args.max_frames]

    load_t0 = time.perf_counter()
    frames = load_frames(files, args.gray)
    height, width = frames[0].shape[:2]
    gt = None
    if args.sequence:
        gt = GroundTruth(args.sequence, [frame_number(f) for f in files], height, width)
    load_s = time.perf_counter() - load_t0

    n = len(frames)
    mpix = width * height / 1e6
    colour = "gray" if args.gray else "bgr"
    if not args.json:
        print(f"OpenCV {cv2.__version__}, threads={cv2.getNumThreads()}, {source}")
        print(f"{n} frames {width}x{height} {colour}, loaded in {load_s:.1f} s"
              + (f"; scored frames {gt.first}..{gt.last} ({len(gt.pos)})" if gt else "; no ground truth")
              + f"; loadavg {os.getloadavg()[0]:.2f}")
        if gt and gt.other_values:
            print(f"warning: {gt.other_values} ROI pixels have ground-truth values other than "
                  "0/50/85/170/255 and are not scored")
        head = f"{'model':<6} {'ms/frame':>9} {'MP/s':>8}"
        if gt:
            head += (f" {'TP':>10} {'FP':>10} {'FN':>10} {'TN':>11} {'recall':>7} {'spec':>7}"
                     f" {'FPR':>7} {'FNR':>7} {'PWC':>7} {'prec':>7} {'F':>7}")
        print(head, flush=True)

    for name in models:
        seconds, m = run_model(name, frames, gt, steady=args.steady)
        ms_per_frame = 1000.0 * seconds / n
        mpix_per_s = mpix * n / seconds
        if args.json:
            obj = {"tool": "opencv", "model": name}
            if m is not None:
                obj.update(m)
            obj.update({
                "mpix_per_s": round(mpix_per_s, 3), "ms_per_frame": round(ms_per_frame, 4),
                "width": width, "height": height, "frames": n,
                "scored_frames": len(gt.pos) if gt else 0,
                "color": colour, "apply_seconds": round(seconds, 4),
                "source": os.path.abspath(source), "opencv": cv2.__version__,
                "loadavg1": round(os.getloadavg()[0], 2),
            })
            print(json.dumps(obj), flush=True)
        else:
            line = f"{name:<6} {ms_per_frame:>9.3f} {mpix_per_s:>8.2f}"
            if m is not None:
                line += (f" {m['tp']:>10} {m['fp']:>10} {m['fn']:>10} {m['tn']:>11}"
                         + "".join(f" {fmt(m[k], '7.4f')}" for k in
                                   ("recall", "specificity", "fpr", "fnr"))
                         + f" {fmt(m['pwc'], '7.3f')}"
                         + "".join(f" {fmt(m[k], '7.4f')}" for k in ("precision", "f_measure")))
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
