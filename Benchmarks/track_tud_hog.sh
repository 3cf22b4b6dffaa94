#!/bin/sh
# Scores Vigie's tracker on TUD-Stadtmitte with a non-neural person detector's boxes (the MOT
# Challenge "public detections" protocol): OpenCV's HOG + linear SVM people detector, run in the
# benchmark virtual environment (Benchmarks/opencv/README.md), writes a det.txt that
# `vigie track --detections … --detections-only` tracks. The library does not use OpenCV; this
# measures the tracker given a person detector, which a `Detector` plugs in.
#
#   Benchmarks/track_tud_hog.sh [SHARED_DATA] [extra vigie track options…]
#
# PY names the Python with cv2 (default /work/venv-bench/bin/python).
set -eu
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
[ $# -gt 0 ] && shift
PY=${PY:-/work/venv-bench/bin/python}
FRAMES=${TMPDIR:-/tmp}/vigie-tud-stadtmitte
if [ ! -f "$FRAMES/000179.jpg" ]; then
    mkdir -p "$FRAMES"
    ffmpeg -v error -y -start_number 7022 -i "$DATA/tud/cvpr10_tud_stadtmitte/DaMultiview-seq%d.png" \
        -q:v 2 -start_number 1 "$FRAMES/%06d.jpg"
fi
DETS=${TMPDIR:-/tmp}/vigie-tud-hog-det.txt
[ -s "$DETS" ] || "$PY" Benchmarks/opencv/hog_detections.py "$FRAMES" "$DETS"
swift build -c release --product vigie >/dev/null
.build/release/vigie track --input "$FRAMES" --output "${TMPDIR:-/tmp}/vigie-tud-hog-tracks.txt" --fps 25 \
    --detections "$DETS" --detections-only --ground-truth "$DATA/motchallenge-gt/TUD-Stadtmitte/gt.txt" "$@"
