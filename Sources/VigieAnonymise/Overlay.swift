import VigieCore
import VigieKernels
import VigieRules
import VigieTracking

/// What to draw on an anonymised frame for people who would rather look than read: zones and
/// lines of the scene, track boxes with their ephemeral ids, and text labels (alert banners).
///
/// Drawing happens after redaction, on the `AnonymisedFrame`, and only adds flat lines and
/// letters: it cannot bring back a pixel of the original.
public struct Overlay: Sendable {
    /// Zones, outlined (normalised polygons).
    public var zones: [Zone] = []
    /// Lines, drawn with a tick on their positive side.
    public var lines: [Line] = []
    /// Tracks, boxed and numbered (pixels of the analysed frame, scaled to the image).
    public var tracks: [Track] = []
    /// Size of the frame the tracks were measured in, pixels (nil: the image's own size).
    public var trackFrameSize: (width: Int, height: Int)?
    /// Banner lines, drawn top-left on a dark band (alerts, the time).
    public var labels: [String] = []

    /// An overlay with the given content.
    public init(zones: [Zone] = [], lines: [Line] = [], tracks: [Track] = [],
                trackFrameSize: (width: Int, height: Int)? = nil, labels: [String] = []) {
        self.zones = zones
        self.lines = lines
        self.tracks = tracks
        self.trackFrameSize = trackFrameSize
        self.labels = labels
    }
}

extension AnonymisedFrame {
    /// This anonymised frame with `overlay` drawn on its luma plane (white lines and text, a
    /// dark band behind labels); chroma is left alone, so the drawing is neutral grey-white.
    public func drawing(_ overlay: Overlay) -> AnonymisedFrame {
        var frame = self.frame
        let w = frame.width, h = frame.height
        frame.luma.withMutableView { view in
            let canvas = Canvas(view: view)
            for zone in overlay.zones {
                let points = zone.polygon.map { (Int($0.x * Double(w)), Int($0.y * Double(h))) }
                for (a, b) in zip(points, points.dropFirst() + points.prefix(1)) { canvas.line(a, b, value: 235) }
            }
            for line in overlay.lines {
                let a = (Int(line.from.x * Double(w)), Int(line.from.y * Double(h)))
                let b = (Int(line.to.x * Double(w)), Int(line.to.y * Double(h)))
                canvas.line(a, b, value: 255)
                // A tick toward the positive side (the right of from→to, image y down).
                let mx = (a.0 + b.0) / 2, my = (a.1 + b.1) / 2
                let dx = Double(b.0 - a.0), dy = Double(b.1 - a.1), n = max((dx * dx + dy * dy).squareRoot(), 1)
                canvas.line((mx, my), (mx + Int(-dy / n * 8), my + Int(dx / n * 8)), value: 255)
            }
            let sx = Double(w) / Double(overlay.trackFrameSize?.width ?? w)
            let sy = Double(h) / Double(overlay.trackFrameSize?.height ?? h)
            for track in overlay.tracks where track.state == .confirmed || track.state == .lost {
                let x0 = Int(Double(track.box.x) * sx), y0 = Int(Double(track.box.y) * sy)
                let x1 = Int(Double(track.box.x + track.box.width) * sx), y1 = Int(Double(track.box.y + track.box.height) * sy)
                canvas.rectangle(x0, y0, x1, y1, value: 255)
                canvas.text("\(track.id)", x: x0 + 2, y: max(0, y0 - 9), scale: 1)
            }
            for (i, label) in overlay.labels.enumerated() {
                let y = 4 + i * 18
                canvas.fill(x0: 0, y0: y - 3, x1: min(w, 12 * label.count + 10), y1: y + 15, value: 16)
                canvas.text(label, x: 4, y: y, scale: 2)
            }
        }
        return AnonymisedFrame(redacted: frame)
    }
}

/// Clipped drawing primitives on a luma view.
struct Canvas {
    let view: MutableImageView

    func set(_ x: Int, _ y: Int, _ value: UInt8) {
        guard x >= 0, y >= 0, x < view.width, y < view.height else { return }
        view.base[y * view.stride + x] = value
    }

    /// Bresenham's line.
    func line(_ a: (Int, Int), _ b: (Int, Int), value: UInt8) {
        var (x, y) = a
        let dx = abs(b.0 - a.0), dy = -abs(b.1 - a.1)
        let stepX = a.0 < b.0 ? 1 : -1, stepY = a.1 < b.1 ? 1 : -1
        var error = dx + dy
        var guardSteps = 0
        while guardSteps < 100_000 {
            guardSteps += 1
            set(x, y, value)
            if x == b.0 && y == b.1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += stepX }
            if e2 <= dx { error += dx; y += stepY }
        }
    }

    func rectangle(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, value: UInt8) {
        line((x0, y0), (x1, y0), value: value)
        line((x1, y0), (x1, y1), value: value)
        line((x1, y1), (x0, y1), value: value)
        line((x0, y1), (x0, y0), value: value)
    }

    func fill(x0: Int, y0: Int, x1: Int, y1: Int, value: UInt8) {
        for y in max(0, y0)..<max(max(0, y0), min(view.height, y1)) {
            for x in max(0, x0)..<max(max(0, x0), min(view.width, x1)) { view.base[y * view.stride + x] = value }
        }
    }

    /// Text in the 5x7 bitmap font, `scale` pixels per font pixel, one column between letters.
    func text(_ string: String, x: Int, y: Int, scale: Int) {
        var cx = x
        for character in string {
            let rows = BitmapFont.glyph(character)
            for (ry, row) in rows.enumerated() {
                for (rx, ink) in row.enumerated() where ink == "#" {
                    for dy in 0..<scale { for dx in 0..<scale { set(cx + rx * scale + dx, y + ry * scale + dy, 255) } }
                }
            }
            cx += (BitmapFont.width + 1) * scale
        }
    }
}
