#!/usr/bin/env python3
"""Measures `vigie serve` as a supervision centre uses it (issue 14): alert latency to an MQTT
subscriber, the HTTP API under load from wrk, 100 SSE clients, the cameras' frame rate under that
load, and (with --soak-minutes) memory, file descriptors and journal consistency over a long run.

Everything runs on loopback: a real mosquitto started here, the built `vigie` binary, wrk.
Needs: mosquitto and wrk (Debian packages); paho-mqtt from PyPI (installed into a venv under /tmp
on first use).

Usage:
  python3 Benchmarks/service_bench.py --vigie .build/release/vigie [--cameras 4] [--seconds 60]
  python3 Benchmarks/service_bench.py --vigie .build/release/vigie --soak-minutes 30
  python3 Benchmarks/service_bench.py --vigie .build/release/vigie --soak-minutes 10 --accelerated --cameras 2

--accelerated runs the simulated cameras as fast as they go instead of at 10 fps (a soak of N
minutes then covers many times N minutes of frames and alerts).

The cameras are the built-in simulated school gate (640x360, 10 fps, real time, looped), each
raising about 12 alerts a 40 s loop.
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

VENV = "/tmp/vigie-bench-venv"
OPERATOR = "bench-operator-token-0123456789"


def ensure_paho():
    try:
        import paho.mqtt.client  # noqa: F401
        return
    except ImportError:
        pass
    if not os.path.exists(VENV + "/bin/python"):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([VENV + "/bin/pip", "install", "-q", "paho-mqtt"], check=True)
    site = subprocess.run([VENV + "/bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    sys.path.insert(0, site)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class Service:
    def __init__(self, vigie, folder, cameras, mqtt_port, realtime=True):
        self.folder = folder
        site = {
            "cameras": [{"id": f"cam{i + 1}", "simulated": "school-gate", "realtime": realtime} for i in range(cameras)],
            "storage": {"path": "events.sqlite"}, "journal": "alerts.journal",
            "http": {"bind": "127.0.0.1:0"},
            "mqtt": {"host": "127.0.0.1", "port": mqtt_port, "clientID": "bench-node"},
            "tokens": [{"name": "bench", "token": OPERATOR, "role": "operator"}],
        }
        with open(os.path.join(folder, "site.json"), "w") as f:
            json.dump(site, f)
        self.stderr = open(os.path.join(folder, "serve.log"), "w+")
        self.process = subprocess.Popen([vigie, "serve", "--config", os.path.join(folder, "site.json")],
                                        stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.time() + 60
        self.port = None
        while time.time() < deadline and self.port is None:
            self.stderr.seek(0)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", self.stderr.read())
            if m:
                self.port = int(m.group(1))
            time.sleep(0.1)
        if self.port is None:
            raise SystemExit("vigie serve did not start")

    def get(self, path):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}",
                                          headers={"Authorization": f"Bearer {OPERATOR}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def frames(self):
        return {c["id"]: c["frames"] for c in self.get("/api/cameras")["cameras"]}

    def rss_and_fds(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        return rss / 1024, len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self):
        start = time.time()
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=60)
        return status, time.time() - start


def frame_rate(service, seconds):
    """Frames per second per camera over `seconds` (from the cameras' frame counters)."""
    before, t0 = service.frames(), time.time()
    time.sleep(seconds)
    after, t1 = service.frames(), time.time()
    return {k: (after[k] - before[k]) / (t1 - t0) for k in after}


def wrk(port, path, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", f"Authorization: Bearer {OPERATOR}", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


def sse_clients(port, count, seconds):
    """`count` SSE clients held open for `seconds`; returns how many messages each received."""
    received = [0] * count
    stop = time.time() + seconds

    def client(i):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(f"GET /api/events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {OPERATOR}\r\n\r\n".encode())
        s.settimeout(0.5)
        while time.time() < stop:
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            if not data:
                break
            received[i] += data.count(b"\ndata: ")
        s.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    return threads, received


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigie", default=".build/release/vigie")
    parser.add_argument("--cameras", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60, help="length of the latency run")
    parser.add_argument("--soak-minutes", type=float, default=0)
    parser.add_argument("--accelerated", action="store_true", help="cameras unpaced (soak only)")
    args = parser.parse_args()
    ensure_paho()
    import paho.mqtt.client as mqtt

    folder = tempfile.mkdtemp(prefix="vigie-service-bench-")
    mqtt_port = free_port()
    with open(os.path.join(folder, "mosquitto.conf"), "w") as f:
        f.write(f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\nuser root\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", os.path.join(folder, "mosquitto.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)

    arrivals = []  # (receipt wall time, event)
    lock = threading.Lock()

    def on_message(_client, _userdata, message):
        now = time.time()
        event = json.loads(message.payload)
        with lock:
            arrivals.append((now, event))

    subscriber = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-subscriber")
    subscriber.on_message = on_message
    subscriber.connect("127.0.0.1", mqtt_port)
    subscriber.subscribe("vigie/+/event/#", qos=1)
    subscriber.loop_start()

    service = Service(args.vigie, folder, args.cameras, mqtt_port, realtime=not args.accelerated)
    pace = "as fast as they go" if args.accelerated else "10 fps, real time"
    print(f"service: {args.cameras} simulated cameras (640x360, {pace}); folder {folder}", flush=True)
    time.sleep(5)

    if args.soak_minutes > 0:
        samples = []
        end = time.time() + args.soak_minutes * 60
        while time.time() < end:
            rss, fds = service.rss_and_fds()
            frames = sum(service.frames().values())
            api_start = time.time()
            page = service.get("/api/events?limit=50")
            api_ms = 1000 * (time.time() - api_start)
            samples.append((time.time(), rss, fds, frames))
            print(f"soak: t={samples[-1][0] - samples[0][0]:7.0f} s  RSS {rss:7.1f} MiB  fds {fds:3d}  "
                  f"frames {frames:8d}  GET /api/events?limit=50 {len(page['events'])} in {api_ms:.0f} ms", flush=True)
            time.sleep(30)
        status, seconds = service.stop()
        time.sleep(2)  # the last QoS 1 deliveries
        verify = subprocess.run([args.vigie, "journal", "verify", os.path.join(folder, "alerts.journal")],
                                capture_output=True, text=True)
        import sqlite3
        db = sqlite3.connect(os.path.join(folder, "events.sqlite"))
        phases = {(i, p, json.loads(j)["time"]) for i, p, j in db.execute("SELECT id, phase, json FROM event")}
        alerts, open_alerts = db.execute("SELECT count(*), sum(endedAt IS NULL) FROM alert").fetchone()
        with lock:
            delivered = {(e["id"], e["phase"], e["time"]) for _, e in arrivals}
            messages = len(arrivals)
        # The second half of the run: memory and descriptors must not grow with time.
        half = [x for x in samples if x[0] >= samples[0][0] + (samples[-1][0] - samples[0][0]) / 2] or samples
        first, last = samples[min(2, len(samples) - 1)], samples[-1]
        hours = (samples[-1][0] - half[0][0]) / 3600 or 1
        print(f"soak: {args.soak_minutes:.0f} min, {last[3]} frames, {alerts} alerts ({open_alerts or 0} open at exit), "
              f"{len(phases)} phases stored")
        print(f"soak: RSS {first[1]:.1f} -> {last[1]:.1f} MiB (from the third sample), second half "
              f"{half[0][1]:.1f} -> {last[1]:.1f} MiB ({(last[1] - half[0][1]) / hours:+.1f} MiB/h); "
              f"fds {first[2]} -> {last[2]} (max {max(x[2] for x in samples)})")
        print(f"soak: MQTT subscriber got {messages} messages, {len(delivered)} distinct phases; "
              f"stored but not received: {len(phases - delivered)}; received but not stored: {len(delivered - phases)}")
        print(f"soak: exit {status} in {seconds:.2f} s; journal verify: {verify.stdout.strip() or verify.stderr.strip()}")
    else:
        baseline = frame_rate(service, 15)
        print("fps without load: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(baseline.items())), flush=True)
        loaded = {}

        def measure_loaded():
            loaded.update(frame_rate(service, 40))

        meter = threading.Thread(target=measure_loaded)
        meter.start()
        threads, received = sse_clients(service.port, 100, 40)
        rps_events, p99_events = wrk(service.port, "/api/events?limit=50", 15, 32)
        rps_metrics, p99_metrics = wrk(service.port, "/metrics", 15, 32)
        meter.join()
        for t in threads:
            t.join()
        print(f"GET /api/events?limit=50: {rps_events:.0f} requests/s, p99 {p99_events:.1f} ms (wrk -t2 -c32, "
              f"100 SSE clients open)")
        print(f"GET /metrics: {rps_metrics:.0f} requests/s, p99 {p99_metrics:.1f} ms")
        print(f"SSE: 100 clients, messages each min {min(received)} max {max(received)}")
        print("fps under load: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(loaded.items())))
        drop = max((baseline[k] - loaded[k]) / baseline[k] for k in baseline if baseline[k] > 0)
        print(f"largest camera frame-rate drop under load: {100 * drop:.1f} %")
        time.sleep(max(0, args.seconds - 55))
        status, seconds = service.stop()
        # Latency: frame time of each `started` phase (the camera's stream start + its time) to its
        # arrival at the subscriber. A camera's stream start comes from the store (SQLite, read
        # directly): an alert's wall-clock start minus its stream start time.
        import sqlite3
        db = sqlite3.connect(os.path.join(folder, "events.sqlite"))
        starts = {}
        for started_at, text in db.execute(
                "SELECT alert.startedAt, event.json FROM alert JOIN event ON event.seq = alert.lastSeq"):
            event = json.loads(text)
            starts.setdefault(event["cameraID"], started_at - event["startTime"])
        latencies = []
        with lock:
            for received_at, event in arrivals:
                if event["phase"] != "started" or event["cameraID"] not in starts:
                    continue
                latencies.append(1000 * (received_at - (starts[event["cameraID"]] + event["time"])))
        print(f"alert latency (frame time -> MQTT subscriber, started phases, {len(latencies)} alerts, "
              f"{args.cameras} cameras): p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms")
        print(f"shutdown: exit {status} in {seconds:.2f} s")
    subscriber.loop_stop()
    broker.terminate()


if __name__ == "__main__":
    main()
