#!/usr/bin/env python3
"""A stand-in for `vigie serve`'s API, for developing and testing the operator console's static
files (Sources/VigieServer/Console) in a browser. Development only: the real test runs against
`vigie serve`. Standard library only; binds 127.0.0.1.

Usage: python3 Tests/Browser/console_standin.py [--port 0] [--interval 4]
Prints `listening on http://127.0.0.1:PORT` once ready. Tokens: `operator-token` (may acknowledge),
`viewer-token` (may only view). A new alert starts every --interval seconds on camera `gate` and
ends 3 s later; `GET /_standin/events` (no token) lists the store for tests.
"""

import argparse
import json
import os
import queue
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONSOLE = os.path.join(ROOT, "Sources", "VigieServer", "Console")
TOKENS = {"operator-token": "operator", "viewer-token": "viewer"}
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8"}


def test_card_jpeg():
    """A synthetic test card (no person in it) as JPEG bytes, made with ffmpeg."""
    r = subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=1",
                        "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-"], capture_output=True, check=True)
    return r.stdout


class Store:
    def __init__(self, interval):
        self.lock = threading.Lock()
        self.events = {}  # id → EVENT
        self.order = []
        self.sequence = 0
        self.listeners = []
        self.counter = 0
        self.interval = interval
        self.start = time.time()
        self.cameras = [
            {"id": "gate", "state": "running", "input": "rtsp://gate.example/stream", "fps": 12.5, "frames": 0,
             "droppedFrames": 0, "lastFrameTime": None, "restarts": 0, "lastError": None,
             "alertsToday": 0, "falseAlarmsToday": 0},
            {"id": "hall", "state": "reconnecting", "input": "rtsp://hall.example/stream", "fps": 0.0, "frames": 1520,
             "droppedFrames": 3, "lastFrameTime": 121.6, "restarts": 2, "lastError": "connection reset by peer",
             "alertsToday": 0, "falseAlarmsToday": 0},
        ]
        # An alert already acknowledged before the console opened.
        self.add_event("hall", "loitering", "hall/benches/1", zone="benches", start=30.0, end=75.5,
                       status="acknowledged",
                       decision={"decision": "false-alarm", "note": "cleaner on a break", "operator": "alice",
                                 "time": "2026-12-04T05:40:12Z"}, publish=False)

    def stream_time(self):
        return round(time.time() - self.start + 120.0, 2)

    def add_event(self, camera, kind, event_id, zone=None, line=None, start=None, end=None, status="open",
                  decision=None, publish=True):
        event = {"schema": "vigie.event/1", "id": event_id, "kind": kind, "phase": "ended" if end else "started",
                 "ruleID": event_id.split("/")[1], "cameraID": camera, "startTime": start,
                 "time": end if end else start, "objects": [], "measurements": {"count": 1}, "score": 0.9,
                 "status": status, "decision": decision,
                 "snapshotURL": f"/api/events/{event_id.replace('/', '%2F')}/snapshot.jpg"}
        if zone:
            event["zoneID"] = zone
        if line:
            event["lineID"] = line
        if end:
            event["endTime"] = end
        with self.lock:
            self.events[event_id] = event
            self.order.append(event_id)
            for cam in self.cameras:
                if cam["id"] == camera:
                    cam["alertsToday"] += 1
        if publish:
            self.publish(event)
        return event

    def update(self, event_id, **changes):
        with self.lock:
            event = self.events[event_id]
            event.update(changes)
            snapshot = dict(event)
        self.publish(snapshot)

    def publish(self, event):
        with self.lock:
            self.sequence += 1
            message = f"id: {self.sequence}\nevent: phase\ndata: {json.dumps(event)}\n\n".encode()
            for listener in list(self.listeners):
                listener.put(message)

    def run_demo(self):
        kinds = [("intrusion", "grounds", None), ("lineCrossed", None, "fence"), ("loitering", "gate", None)]
        while True:
            time.sleep(self.interval)
            self.counter += 1
            kind, zone, line = kinds[self.counter % len(kinds)]
            event_id = f"gate/{kind.lower()}-rule/{self.counter}"
            start = self.stream_time()
            self.add_event("gate", kind, event_id, zone=zone, line=line, start=start)
            threading.Timer(3.0, lambda i=event_id, s=start: self.update(
                i, phase="ended", time=s + 3.0, endTime=s + 3.0)).start()


def make_handler(store, jpeg):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body=b"", content_type="application/json"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def send_json(self, status, value):
            self.send(status, json.dumps(value).encode())

        def role(self, url):
            header = self.headers.get("Authorization", "")
            token = header[7:] if header.startswith("Bearer ") else None
            if token is None and url.path == "/api/events/stream":
                token = (parse_qs(url.query).get("token") or [None])[0]
            return TOKENS.get(token)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/_standin/events":
                with store.lock:
                    return self.send_json(200, [store.events[i] for i in store.order])
            if not url.path.startswith("/api/"):
                name = "index.html" if url.path in ("/", "") else url.path.lstrip("/")
                path = os.path.join(CONSOLE, name)
                if "/" in name or not os.path.isfile(path):
                    return self.send_json(404, {"error": "not found"})
                with open(path, "rb") as f:
                    return self.send(200, f.read(), TYPES.get(os.path.splitext(name)[1], "application/octet-stream"))
            if not self.role(url):
                return self.send_json(401, {"error": "unauthorised"})
            parts = url.path.split("/")
            if url.path == "/api/cameras":
                with store.lock:
                    for cam in store.cameras:
                        if cam["state"] == "running":
                            cam["frames"] = int((time.time() - store.start) * cam["fps"])
                            cam["lastFrameTime"] = store.stream_time()
                    return self.send_json(200, {"cameras": store.cameras})
            if url.path == "/api/events":
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                with store.lock:
                    events = [store.events[i] for i in reversed(store.order)]
                events = [e for e in events
                          if (not q.get("camera") or e["cameraID"] == q["camera"])
                          and (not q.get("kind") or e["kind"] == q["kind"])
                          and (not q.get("status") or e["status"] == q["status"])]
                offset = int(q.get("cursor") or 0)
                limit = int(q.get("limit") or 50)
                page = events[offset:offset + limit]
                more = offset + limit < len(events)
                return self.send_json(200, {"events": page, "nextCursor": str(offset + limit) if more else None})
            if url.path == "/api/events/stream":
                return self.stream()
            if len(parts) == 5 and parts[2] == "cameras" and parts[4] == "preview.jpg":
                camera = unquote(parts[3])
                if camera == "hall":
                    return self.send_json(503, {"error": "camera not warm"})
                return self.send(200, jpeg, "image/jpeg")
            if len(parts) == 5 and parts[2] == "events" and parts[4] == "snapshot.jpg":
                return self.send(200, jpeg, "image/jpeg")
            return self.send_json(404, {"error": "not found"})

        def do_POST(self):
            url = urlparse(self.path)
            role = self.role(url)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if not role:
                return self.send_json(401, {"error": "unauthorised"})
            parts = url.path.split("/")
            if len(parts) == 5 and parts[2] == "events" and parts[4] == "acknowledge":
                if role != "operator":
                    return self.send_json(403, {"error": "viewer token"})
                event_id = unquote(parts[3])
                try:
                    request = json.loads(body or b"{}")
                except ValueError:
                    return self.send_json(400, {"error": "body is not JSON"})
                if request.get("decision") not in ("confirmed", "false-alarm", "dismissed"):
                    return self.send_json(400, {"error": "decision must be confirmed, false-alarm or dismissed"})
                with store.lock:
                    event = store.events.get(event_id)
                    if event is None:
                        return self.send_json(404, {"error": "no such event"})
                    if event["status"] == "acknowledged":
                        return self.send_json(409, {"error": "already acknowledged"})
                    event["status"] = "acknowledged"
                    event["decision"] = {"decision": request["decision"], "note": request.get("note") or "",
                                         "operator": "operator",
                                         "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                    if request["decision"] == "false-alarm":
                        for cam in store.cameras:
                            if cam["id"] == event["cameraID"]:
                                cam["falseAlarmsToday"] += 1
                    return self.send_json(200, dict(event))
            return self.send_json(404, {"error": "not found"})

        def stream(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            listener = queue.Queue()
            with store.lock:
                store.listeners.append(listener)
            try:
                self.wfile.write(b": stream open\n\n")
                self.wfile.flush()
                while True:
                    try:
                        message = listener.get(timeout=10)
                    except queue.Empty:
                        message = b": keep-alive\n\n"
                    self.wfile.write(message)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with store.lock:
                    store.listeners.remove(listener)
            self.close_connection = True

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--interval", type=float, default=4.0)
    args = parser.parse_args()
    store = Store(args.interval)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(store, test_card_jpeg()))
    server.daemon_threads = True
    threading.Thread(target=store.run_demo, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
