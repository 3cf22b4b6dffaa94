#!/usr/bin/env python3
"""Public-API privacy audit (issue 6): no public symbol of a Vigie library module may return or
expose pixel memory — a pointer, a span, an `ImageView`, or raw bytes (`[UInt8]`, `Data`) —
except the documented outputs listed in ALLOWED (the anonymised JPEG encoder, JSON bytes).

Raw image *types* (Frame, Plane, Mask, background models) may appear in signatures, because
they expose no pixels publicly: pixels go in, and only come out through `package` API (checked
by the compiler) or as an `AnonymisedFrame`.

Usage: swift package dump-symbol-graph && python3 .ci/api-audit.py [SYMBOLGRAPH_DIR]
Exit 0 when clean, 1 with one line per offending symbol.
"""
import sys

from symbolgraphs import directory_from, library_graphs

FORBIDDEN = {
    "UnsafePointer", "UnsafeMutablePointer", "UnsafeRawPointer", "UnsafeMutableRawPointer",
    "UnsafeBufferPointer", "UnsafeMutableBufferPointer", "UnsafeRawBufferPointer",
    "UnsafeMutableRawBufferPointer", "OpaquePointer", "Span", "MutableSpan", "RawSpan",
    "MutableRawSpan", "ImageView", "MutableImageView", "Data",
}
# Symbols allowed to return bytes, with the reason.
ALLOWED = {
    "JPEGCodec.encode(_:quality:)": "JPEG bytes of an AnonymisedFrame: the one image output",
    "EventEncoder.encodeBytes(_:newline:)": "JSON text of an event (no pixels)",
    "Scene.jsonData()": "JSON text of a scene file (no pixels)",
    # VigieMQTT: MQTT messages are bytes on the wire; the service publishes event JSON and status text.
    "MQTTMessage.payload": "MQTT message received on a subscription (event JSON, status text)",
    "MQTTPublish.payload": "MQTT PUBLISH payload (event JSON, status text)",
    "MQTTWill.payload": "MQTT will message (status text `offline`)",
    "MQTTConnect.password": "MQTT CONNECT password (binary in MQTT 3.1.1)",
    "DryRunReport.Alert.snapshotJPEG": "JPEG bytes of an AnonymisedFrame (set only by ReportRecorder)",
    "DryRunReport.backgroundJPEG": "JPEG bytes of an AnonymisedFrame (set only by ReportRecorder)",
    # VigieServer: the images it serves are JPEGs of AnonymisedFrames, encoded by the camera worker.
    "EventStore.snapshot(alertID:)": "JPEG bytes of an AnonymisedFrame stored with an alert",
    "CameraWorker.previewJPEG": "JPEG bytes of an AnonymisedFrame (the camera's preview)",
    "ServerMetrics.render()": "Prometheus text exposition (no pixels)",
    "VigieNode.renderMetrics()": "Prometheus text exposition (no pixels)",
}


def returned_fragments(symbol):
    """The fragments of what a symbol hands out: a function's return type, a property's type."""
    sig = symbol.get("functionSignature")
    if sig is not None:
        return sig.get("returns", [])
    kind = symbol["kind"]["identifier"]
    if kind in ("swift.property", "swift.type.property", "swift.var", "swift.subscript"):
        frags = symbol.get("declarationFragments", [])
        for i, f in enumerate(frags):
            if f["kind"] == "text" and f["spelling"].strip().startswith(":"):
                return frags[i:]
    return []


def offends(fragments):
    spelled = "".join(f["spelling"] for f in fragments)
    ids = [f["spelling"] for f in fragments if f["kind"] == "typeIdentifier"]
    if any(i in FORBIDDEN for i in ids):
        return spelled
    if "[UInt8]" in spelled.replace(" ", "") or "Array<UInt8>" in spelled.replace(" ", ""):
        return spelled
    return None


def main():
    directory = directory_from(sys.argv)
    graphs = library_graphs(directory)
    if not graphs:
        print(f"api-audit: no Vigie symbol graphs in {directory}")
        return 1
    problems, audited = [], 0
    for _, graph in graphs:
        module = graph["module"]["name"]
        for symbol in graph["symbols"]:
            audited += 1
            name = ".".join(symbol["pathComponents"])
            bad = offends(returned_fragments(symbol))
            if bad and name not in ALLOWED:
                problems.append(f"{module}.{name}: exposes {bad.strip()}")
    for p in problems:
        print("api-audit:", p)
    print(f"api-audit: {audited} public symbols in {len(graphs)} modules, {len(problems)} exposing pixel memory or raw bytes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
