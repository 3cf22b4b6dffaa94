#!/usr/bin/env python3
"""Side-by-side speed of Vigie and OpenCV on the same frames, in the same run.

    python3 Benchmarks/compare.py jpeg DIR [DIR ...]      # JPEG decode
    python3 Benchmarks/compare.py bgs DIR                 # background models: CDnet sequence
                                                          # (scored) or a folder of JPEGs (timed)
    MAX_FRAMES=50 python3 Benchmarks/compare.py bgs DIR   # first 50 frames only
    STEADY=1 python3 Benchmarks/compare.py bgs DIR        # steady state: timed after a warm-up pass

Runs `.build/release/vigie-bench` (build it with `swift build -c release`) and the OpenCV scripts
in Benchmarks/opencv with the virtual environment's Python (VIGIE_BENCH_PYTHON, default
/work/venv-bench/bin/python), alternating them ROUNDS times (default 3) and keeping each one's
median, then prints ratios against OpenCV's full-colour decode / each OpenCV model.
"""
import json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = os.environ.get("VIGIE_BENCH_PYTHON", "/work/venv-bench/bin/python")
BENCH = os.path.join(ROOT, ".build", "release", "vigie-bench")
ROUNDS = int(os.environ.get("ROUNDS", "3"))


def lines(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def medians(runs, key):
    table = {}
    for run in runs:
        for row in run:
            table.setdefault(row[key], []).append(row)
    return {k: {**rows[0], "mpix_per_s": statistics.median(r["mpix_per_s"] for r in rows)} for k, rows in table.items()}


def jpeg(dirs):
    for d in dirs:
        vigie_runs, cv_runs = [], []
        for _ in range(ROUNDS):
            vigie_runs.append(lines([BENCH, "jpeg", d, "--json", "--seconds", "1.5"]))
            cv_runs.append(lines([PY, os.path.join(HERE, "opencv", "jpeg_decode.py"), d, "--json", "--min-seconds", "1.5"]))
        v, c = medians(vigie_runs, "mode"), medians(cv_runs, "mode")
        base = c["color"]["mpix_per_s"]
        any_row = next(iter(v.values()))
        print(f"\nJPEG decode, {any_row['width']}x{any_row['height']}, {d} (median of {ROUNDS}; MP/s of full-size pixels)")
        print(f"{'decoder':34s} {'MP/s':>8s} {'x OpenCV colour':>16s}")
        for k, row in c.items():
            print(f"{'OpenCV imdecode ' + k:34s} {row['mpix_per_s']:8.1f} {row['mpix_per_s'] / base:16.2f}")
        for k, row in v.items():
            print(f"{'Vigie ' + k:34s} {row['mpix_per_s']:8.1f} {row['mpix_per_s'] / base:16.2f}")


def bgs(dirs):
    max_frames = os.environ.get("MAX_FRAMES")
    for d in dirs:
        # A CDnet sequence is scored; any other folder of JPEG frames is timed only.
        target = [d] if os.path.exists(os.path.join(d, "temporalROI.txt")) else ["--frames-dir", d]
        if max_frames:
            target += ["--max-frames", max_frames]
        if os.environ.get("STEADY"):
            # Timed after an untimed pass over the same frames (no scores): the cost per frame of a
            # camera that has run for a while, start-up learning and first-frame set-up excluded.
            target += ["--steady"]
        vigie_runs, cv_runs = [], []
        for _ in range(ROUNDS):
            vigie_runs.append(lines([BENCH, "bgs", *target, "--json"]))
            cv_runs.append(lines([PY, os.path.join(HERE, "opencv", "bgs.py"), *target, "--json"]))
        v, c = medians(vigie_runs, "model"), medians(cv_runs, "model")
        mode = ", steady state" if os.environ.get("STEADY") else ""
        print(f"\nBackground models on {d} (median of {ROUNDS}, single thread{mode})")
        print(f"{'model':30s} {'F':>7s} {'MP/s':>8s}  " + "  ".join(f"x{k:>5s}" for k in c))
        for k, row in list(c.items()) + list(v.items()):
            who = "OpenCV " if k in c and row.get("tool") == "opencv" else "Vigie "
            f = row.get("f_measure")
            fs = f"{f:7.3f}" if f is not None else "      -"
            ratios = "  ".join(f"{row['mpix_per_s'] / c[m]['mpix_per_s']:6.2f}" for m in c)
            print(f"{who + k:30s} {fs} {row['mpix_per_s']:8.1f}  {ratios}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("jpeg", "bgs"):
        print(__doc__)
        sys.exit(64)
    {"jpeg": jpeg, "bgs": bgs}[sys.argv[1]](sys.argv[2:])
