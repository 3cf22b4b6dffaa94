#!/usr/bin/env bash
# Make JPEG test frames from the PETS 2009 sample video, for the decode and
# background-subtraction speed benchmarks.
#
# Usage:
#   make_1080p_jpegs.sh OUTDIR [N] [WxH]
#
#   OUTDIR  created if missing; frames are written as in000001.jpg, in000002.jpg, ...
#   N       number of frames, taken consecutively from the start of the video
#           (default 20; the video has 795 frames)
#   WxH     output size (default 1920x1080). The source is 768x576 (4:3), so
#           1920x1080 is a stretch, which does not matter for timing. Passing
#           768x576 gives the native frames without rescaling.
#
# Source: <repo root>/../shared/data/pets2009/S2L1_View001/vtest.avi, found from
# this script's own location (override with VIGIE_VTEST=/path/to/video).
#
# Encoding: ffmpeg's MJPEG encoder, baseline JFIF, 4:2:0 (yuvj420p), optimal
# Huffman tables, -q:v 2. ffmpeg does not use the libjpeg quality scale: on
# these frames -q:v 2 gives files about as large as libjpeg quality ~84 (q:v 1
# would be ~95), with quantisation tables whose sum matches libjpeg ~93;
# call it "quality ~90". About 240 KB per 1080p frame.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 || "$1" == "-h" || "$1" == "--help" ]]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
fi

outdir=$1
count=${2:-20}
size=${3:-1920x1080}

if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
    echo "make_1080p_jpegs.sh: N must be a positive integer, got '$count'" >&2
    exit 2
fi
if ! [[ "$size" =~ ^([1-9][0-9]*)x([1-9][0-9]*)$ ]]; then
    echo "make_1080p_jpegs.sh: size must be WxH, got '$size'" >&2
    exit 2
fi
width=${BASH_REMATCH[1]}
height=${BASH_REMATCH[2]}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
video=${VIGIE_VTEST:-$repo_root/../shared/data/pets2009/S2L1_View001/vtest.avi}

if [[ ! -f "$video" ]]; then
    echo "make_1080p_jpegs.sh: source video not found: $video" >&2
    exit 1
fi
if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "make_1080p_jpegs.sh: ffmpeg not found (apt-get install -y ffmpeg)" >&2
    exit 1
fi

mkdir -p "$outdir"
ffmpeg -nostdin -hide_banner -loglevel error -y \
    -i "$video" \
    -frames:v "$count" \
    -vf "scale=${width}:${height}:flags=bicubic,format=yuvj420p" \
    -c:v mjpeg -q:v 2 \
    -start_number 1 \
    "$outdir/in%06d.jpg"

made=$(find "$outdir" -maxdepth 1 -name 'in[0-9][0-9][0-9][0-9][0-9][0-9].jpg' | wc -l)
echo "wrote $count ${width}x${height} JPEG frame(s) to $outdir (folder now holds $made in*.jpg)"
