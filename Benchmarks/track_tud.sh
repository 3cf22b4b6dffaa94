#!/bin/sh
# Scores `vigie track` on TUD-Stadtmitte (179 frames, 640x480) against the MOT15 ground truth.
#
#   Benchmarks/track_tud.sh [SHARED_DATA] [extra vigie track options…]
#
# SHARED_DATA defaults to ../shared/data beside the package. The PNG frames are converted once
# to a JPEG folder numbered from 1 (MOT frame k is DaMultiview-seq(7021+k).png, see
# tud/SOURCE.md), the release CLI tracks them, and `--ground-truth` prints CLEAR MOT and IDF1.
set -eu
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
[ $# -gt 0 ] && shift
FRAMES=${TMPDIR:-/tmp}/vigie-tud-stadtmitte
if [ ! -f "$FRAMES/000179.jpg" ]; then
    mkdir -p "$FRAMES"
    ffmpeg -v error -y -start_number 7022 -i "$DATA/tud/cvpr10_tud_stadtmitte/DaMultiview-seq%d.png" \
        -q:v 2 -start_number 1 "$FRAMES/%06d.jpg"
fi
swift build -c release --product vigie >/dev/null
.build/release/vigie track --input "$FRAMES" --output "${TMPDIR:-/tmp}/vigie-tud-tracks.txt" --fps 25 \
    --ground-truth "$DATA/motchallenge-gt/TUD-Stadtmitte/gt.txt" "$@"
