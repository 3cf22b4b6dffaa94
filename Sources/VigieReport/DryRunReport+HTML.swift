import Foundation
import VigieCore
import VigieEvents
import VigieRules

extension DryRunReport {
    /// The report as one self-contained HTML page: inline CSS, inline SVG, images as `data:` URIs
    /// of the anonymised JPEGs, no script and no external reference.
    ///
    /// Structure a test or a browser can count on: the timeline is `svg.timeline` with one
    /// `g.lane` per rule of the scene (`data-rule`), each alert a `rect.bar` (`data-event`); the
    /// alert table is `table.alerts` with one `tr.alert` per alert (`data-event`), in start order.
    public func html(language: ReportLanguage = .en) -> String {
        HTMLWriter(report: self, s: ReportStrings(language: language)).page()
    }

    /// Tuning hints, as plain text lines (the HTML page shows the same, formatted).
    public func hints(language: ReportLanguage = .en) -> [String] {
        HTMLWriter(report: self, s: ReportStrings(language: language)).hintItems().map(\.text)
    }
}

/// A hint: its text, and an optional code snippet (a polygon to paste into the scene file).
struct Hint {
    var text: String
    var code: String?
}

/// A place where alerts of one rule recur.
struct HotSpot {
    var ruleID: String
    var alerts: [DryRunReport.Alert]
    var centre: NormalisedPoint
    /// The union of the alerts' boxes grown by a margin, clamped to the image: a suggested mask.
    var polygon: [NormalisedPoint]
}

extension DryRunReport {
    /// Kinds whose alerts recurring at one place point to something static (furniture, a reflection,
    /// a person resting) rather than to traffic: crossings, wrong ways and crowds recur by nature.
    static let staticKinds: Set<EventKind> = [.intrusion, .abandonedObject, .objectRemoved, .personDown, .fire, .smoke,
                                             .loitering]

    /// Places where at least `minimum` alerts of the same rule started within one cell of a
    /// `cells` x `cells` grid over the image (a static-object hot spot).
    func hotSpots(minimum: Int = 3, cells: Int = 10) -> [HotSpot] {
        var groups: [String: [Alert]] = [:]
        var order: [String] = []
        for alert in alerts where Self.staticKinds.contains(alert.kind) {
            guard let p = alert.place else { continue }
            let key = "\(alert.ruleID)\u{0}\(min(cells - 1, max(0, Int(p.x * Double(cells)))))/\(min(cells - 1, max(0, Int(p.y * Double(cells)))))"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(alert)
        }
        return order.compactMap { key in
            let group = groups[key]!
            guard group.count >= minimum else { return nil }
            let points = group.compactMap(\.place)
            let n = Double(points.count)
            let sumX: Double = points.reduce(0) { $0 + $1.x }
            let sumY: Double = points.reduce(0) { $0 + $1.y }
            let centre = NormalisedPoint(x: sumX / n, y: sumY / n)
            let boxes = group.compactMap(\.box)
            let margin = 0.02
            var x0 = boxes.map(\.x).min() ?? centre.x - 0.05, y0 = boxes.map(\.y).min() ?? centre.y - 0.1
            var x1 = boxes.map { $0.x + $0.width }.max() ?? centre.x + 0.05, y1 = boxes.map { $0.y + $0.height }.max() ?? centre.y
            x0 = max(0, x0 - margin); y0 = max(0, y0 - margin); x1 = min(1, x1 + margin); y1 = min(1, y1 + margin)
            return HotSpot(ruleID: group[0].ruleID, alerts: group, centre: centre,
                           polygon: [NormalisedPoint(x: x0, y: y0), NormalisedPoint(x: x1, y: y0),
                                     NormalisedPoint(x: x1, y: y1), NormalisedPoint(x: x0, y: y1)])
        }
    }
}

/// Writes the page. Every text from the scene or the events is escaped.
private struct HTMLWriter {
    let report: DryRunReport
    let s: ReportStrings

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    func page() -> String {
        var out = "<!doctype html>\n<html lang=\"\(s[.lang])\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(esc(s[.title])) — \(esc(report.scene.cameraID))</title>\n<style>\(Self.css)</style>\n</head>\n<body>\n"
        out += header()
        out += hintsSection()
        out += timeline()
        out += alertTable()
        out += zonePlots()
        out += heatMap()
        out += "<footer>\(esc(s[.generatedBy]))</footer>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Header

    func header() -> String {
        let run = report.run
        var speed = "\(run.frames) \(esc(s[.frames]))"
        if let elapsed = report.elapsedSeconds, elapsed > 0 {
            speed += String(format: ", %.2f %@, %.1f %@", elapsed, s[.seconds], Double(run.frames) / elapsed, s[.fps])
            speed += " (\(esc(s[.speedCaption])))"
        }
        let footage = String(format: "%@ (%d×%d, %@ → %@)", report.inputName, run.width, run.height,
                             clock(run.firstTime), clock(run.lastTime))
        var out = "<header>\n<h1>\(esc(s[.title])) — \(esc(report.scene.cameraID))</h1>\n"
        if let description = report.scene.description { out += "<p class=\"description\">\(esc(description))</p>\n" }
        out += "<dl class=\"facts\">\n"
        for (key, value) in [(s[.input], esc(footage)), (s[.sceneFile], esc(report.sceneName)),
                             (s[.sceneHash], "<code class=\"hash\">\(esc(report.sceneHash))</code>"),
                             (s[.version], esc(report.version)), (s[.run], speed)] {
            out += "<dt>\(esc(key))</dt><dd>\(value)</dd>\n"
        }
        return out + "</dl>\n</header>\n"
    }

    // MARK: - Hints

    func hintItems() -> [Hint] {
        var hints: [Hint] = []
        for spot in report.hotSpots() {
            let text = s[.recurringPlace].replacingOccurrences(of: "%1", with: spot.ruleID)
                .replacingOccurrences(of: "%2", with: String(format: "x %.2f, y %.2f", spot.centre.x, spot.centre.y))
            let polygon = "[" + spot.polygon.map { String(format: "{\"x\": %.3f, \"y\": %.3f}", $0.x, $0.y) }
                .joined(separator: ", ") + "]"
            hints.append(Hint(text: "\(spot.alerts.count) \(text)", code: polygon))
        }
        let unsupported = Dictionary(report.unsupportedRules.map { ($0.id, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let fired = Set(report.alerts.map(\.ruleID))
        for rule in report.scene.rules {
            if !rule.enabled {
                hints.append(Hint(text: "\(s[.rule]) \(rule.id) \(s[.disabled])"))
            } else if let reason = unsupported[rule.id] {
                hints.append(Hint(text: "\(s[.rule]) \(rule.id) \(s[.unsupported]) \(reason)"))
            } else if !fired.contains(rule.id) {
                hints.append(Hint(text: "\(s[.rule]) \(rule.id) (\(s.kind(rule.kind))) \(s[.neverFired])"))
            }
        }
        let run = report.run
        if run.corruptFrames > 0 {
            hints.append(Hint(text: "\(run.corruptFrames) \(s[.skippedCorrupt])"
                + (run.corruptReasons.isEmpty ? "" : ": " + run.corruptReasons.joined(separator: "; "))))
        }
        if run.globalChangeFrames > 0 { hints.append(Hint(text: "\(run.globalChangeFrames) \(s[.skippedGlobal])")) }
        if run.suppressedSeconds > 0 { hints.append(Hint(text: String(format: "%.1f ", run.suppressedSeconds) + s[.suppressed])) }
        if run.notWarmSeconds > 0 { hints.append(Hint(text: String(format: "%.1f ", run.notWarmSeconds) + s[.notWarm])) }
        return hints
    }

    func hintsSection() -> String {
        let hints = hintItems()
        var out = "<section id=\"hints\">\n<h2>\(esc(s[.hints]))</h2>\n"
        guard !hints.isEmpty else { return out + "<p>\(esc(s[.noHints]))</p>\n</section>\n" }
        out += "<ul class=\"hints\">\n"
        for hint in hints {
            out += "<li>\(esc(hint.text))"
            if let code = hint.code { out += "<br><span class=\"caption\">\(esc(s[.maskSuggestion])):</span> <code>\(esc(code))</code>" }
            out += "</li>\n"
        }
        return out + "</ul>\n</section>\n"
    }

    // MARK: - Timeline

    var timeRange: (Double, Double) {
        let t0 = report.run.firstTime
        return (t0, max(report.run.lastTime, t0 + 1))
    }

    func timeline() -> String {
        let rules = report.scene.rules
        let (t0, t1) = timeRange
        let labelWidth = 200.0, width = 1000.0, barHeight = 14.0, gap = 4.0, top = 6.0
        let plot = width - labelWidth - 10
        func x(_ t: Double) -> Double { labelWidth + (t - t0) / (t1 - t0) * plot }
        // Alerts of one rule that overlap in time go on separate rows of its lane (first row free).
        var rows: [String: Int] = [:]
        var laneRows: [Int] = []
        for rule in rules {
            var ends: [Double] = []  // per row, the right edge (x) of its last bar
            for alert in report.alerts where alert.ruleID == rule.id {
                let x0 = x(alert.start), x1 = x0 + max(3, x(alert.end) - x0)
                let row = ends.firstIndex { $0 + 2 <= x0 } ?? ends.count
                if row == ends.count { ends.append(x1) } else { ends[row] = x1 }
                rows[alert.id] = row
            }
            laneRows.append(max(1, ends.count))
        }
        let laneHeights = laneRows.map { Double($0) * (barHeight + gap) + 12 }
        let height = top + laneHeights.reduce(0, +) + 30
        var out = "<section id=\"timeline\">\n<h2>\(esc(s[.timeline]))</h2>\n<p class=\"caption\">\(esc(s[.timelineCaption]))</p>\n"
        out += svgOpen(width: width, height: height, cls: "timeline")
        let rowByID = Dictionary(report.alerts.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var y = top
        for (i, rule) in rules.enumerated() {
            let laneHeight = laneHeights[i]
            out += "<g class=\"lane\" data-rule=\"\(esc(rule.id))\">"
            out += rect(x: 0, y: y, w: width, h: laneHeight, cls: i % 2 == 0 ? "lane-bg even" : "lane-bg")
            out += "<text class=\"lane-label\" x=\"6\" y=\"\(f(y + 6 + barHeight * 0.8))\">\(esc(shorten(rule.id, 26)))</text>"
            let colour = Self.palette[i % Self.palette.count]
            for alert in report.alerts where alert.ruleID == rule.id {
                let x0 = x(alert.start), w = max(3, x(alert.end) - x0)
                let barY = y + 6 + Double(rows[alert.id] ?? 0) * (barHeight + gap)
                let title = "\(s.kind(alert.kind)) \(clock(alert.start)) +\(duration(alert))"
                out += "<a href=\"#alert-\(rowByID[alert.id] ?? 0)\"><rect class=\"bar\" data-event=\"\(esc(alert.id))\" "
                out += "x=\"\(f(x0))\" y=\"\(f(barY))\" width=\"\(f(w))\" height=\"\(f(barHeight))\" fill=\"\(colour)\">"
                out += "<title>\(esc(title))</title></rect></a>"
            }
            out += "</g>\n"
            y += laneHeight
        }
        let axisY = y
        out += "<g class=\"axis\"><line x1=\"\(f(labelWidth))\" x2=\"\(f(width - 10))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY))\"/>"
        for t in ticks(t0, t1) {
            out += "<line x1=\"\(f(x(t)))\" x2=\"\(f(x(t)))\" y1=\"\(f(axisY))\" y2=\"\(f(axisY + 5))\"/>"
            out += "<text x=\"\(f(x(t)))\" y=\"\(f(axisY + 18))\" text-anchor=\"middle\">\(clock(t))</text>"
        }
        out += "</g>\n</svg>\n</section>\n"
        return out
    }

    // MARK: - Alerts

    func alertTable() -> String {
        var out = "<section id=\"alerts\">\n<h2>\(esc(s[.alerts])) (\(report.alerts.count))</h2>\n"
        guard !report.alerts.isEmpty else { return out + "<p>\(esc(s[.noAlerts]))</p>\n</section>\n" }
        out += "<table class=\"alerts\">\n<thead><tr>"
        for key in [ReportStrings.Key.kind, .rule, .place, .start, .duration, .measurements, .thresholds, .snapshot] {
            out += "<th>\(esc(s[key]))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        let rules = Dictionary(report.scene.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, alert) in report.alerts.enumerated() {
            out += "<tr class=\"alert\" id=\"alert-\(i)\" data-event=\"\(esc(alert.id))\">"
            out += "<td>\(esc(s.kind(alert.kind)))</td><td>\(esc(alert.ruleID))</td>"
            out += "<td>\(esc(alert.zoneID ?? alert.lineID ?? "—"))</td>"
            out += "<td>\(clock(alert.start))</td><td>\(esc(duration(alert)))</td>"
            out += "<td>\(keyValues(jsonObject(alert.measurements), skip: []))</td>"
            out += "<td>\(rules[alert.ruleID].map { keyValues(jsonObject($0), skip: ["id", "kind", "description", "zone", "line", "enabled"]) } ?? "")</td>"
            if let jpeg = alert.snapshotJPEG {
                out += "<td><img class=\"snapshot\" alt=\"\(esc(s[.snapshot]))\" src=\"data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())\"></td>"
            } else {
                out += "<td>\(esc(s[.noSnapshot]))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    func duration(_ alert: DryRunReport.Alert) -> String {
        var text = alert.duration == 0 ? s[.instant] : String(format: "%.1f %@", alert.duration, s[.seconds])
        if alert.openAtEnd { text += " (\(s[.open]))" }
        return text
    }

    // MARK: - Zones

    func zonePlots() -> String {
        var out = "<section id=\"zones\">\n<h2>\(esc(s[.zones]))</h2>\n"
        let zones = report.scene.zones
        guard !zones.isEmpty else { return out + "<p>\(esc(s[.noZones]))</p>\n</section>\n" }
        out += "<ul class=\"legend\">"
        for (i, zone) in zones.enumerated() {
            out += "<li><span class=\"swatch\" style=\"background:\(Self.palette[i % Self.palette.count])\"></span>"
            out += "\(esc(zone.name.map { "\(zone.id) — \($0)" } ?? zone.id))</li>"
        }
        out += "</ul>\n"
        out += "<h3>\(esc(s[.occupancy])) (%)</h3><p class=\"caption\">\(esc(s[.occupancyCaption]))</p>\n"
        out += linePlot(cls: "occupancy") { $0.occupancy * 100 }
        out += "<h3>\(esc(s[.count]))</h3>\n"
        out += linePlot(cls: "count") { $0.count }
        if zones.contains(where: { report.zoneSamples[$0.id]?.contains { $0.density != nil } ?? false }) {
            out += "<h3>\(esc(s[.density])) (\(esc(s[.perSquareMetre])))</h3><p class=\"caption\">\(esc(s[.densityCaption]))</p>\n"
            out += linePlot(cls: "density") { $0.density }
        }
        return out + "</section>\n"
    }

    /// One polyline per zone of `value` over time (samples merged to at most 500 points).
    func linePlot(cls: String, value: (DryRunReport.ZoneSample) -> Double?) -> String {
        let (t0, t1) = timeRange
        let width = 1000.0, height = 170.0, left = 50.0, bottom = 24.0, top = 8.0
        var series: [(Int, [(Double, Double)])] = []
        var maximum = 0.0
        for (i, zone) in report.scene.zones.enumerated() {
            let samples = report.zoneSamples[zone.id] ?? []
            let step = max(1, (samples.count + 499) / 500)
            var points: [(Double, Double)] = []
            var k = 0
            while k < samples.count {
                let chunk = samples[k..<min(k + step, samples.count)].compactMap { s in value(s).map { (s.start, $0) } }
                if !chunk.isEmpty {
                    points.append((chunk[0].0 + report.sampleInterval * Double(step) / 2,
                                   chunk.map(\.1).reduce(0, +) / Double(chunk.count)))
                }
                k += step
            }
            maximum = max(maximum, points.map(\.1).max() ?? 0)
            series.append((i, points))
        }
        let yMax = niceCeiling(maximum)
        func x(_ t: Double) -> Double { left + (min(max(t, t0), t1) - t0) / (t1 - t0) * (width - left - 10) }
        func y(_ v: Double) -> Double { top + (1 - v / yMax) * (height - top - bottom) }
        var out = svgOpen(width: width, height: height, cls: "plot \(cls)")
        out += "<g class=\"axis\">"
        for v in [0, yMax / 2, yMax] {
            out += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - 10))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(number(v))</text>"
        }
        for t in ticks(t0, t1) {
            out += "<text x=\"\(f(x(t)))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(clock(t))</text>"
        }
        out += "</g>"
        for (i, points) in series where !points.isEmpty {
            let coordinates = points.map { "\(f(x($0.0))),\(f(y($0.1)))" }.joined(separator: " ")
            out += "<polyline class=\"series\" data-zone=\"\(esc(report.scene.zones[i].id))\" fill=\"none\" "
            out += "stroke=\"\(Self.palette[i % Self.palette.count])\" points=\"\(coordinates)\"/>"
        }
        return out + "</svg>\n"
    }

    // MARK: - Heat map

    func heatMap() -> String {
        let map = report.heatMap
        let w = Double(max(report.run.width, 1)), h = Double(max(report.run.height, 1))
        var out = "<section id=\"heatmap\">\n<h2>\(esc(s[.heatMap]))</h2>\n<p class=\"caption\">\(esc(s[.heatMapCaption]))</p>\n"
        out += "<div class=\"heat\" style=\"aspect-ratio: \(Int(w)) / \(Int(h))\">"
        if let jpeg = report.backgroundJPEG {
            out += "<img alt=\"\" src=\"data:image/jpeg;base64,\(Data(jpeg).base64EncodedString())\">"
        }
        out += "<svg viewBox=\"0 0 \(f(w)) \(f(h))\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"\(esc(s[.heatMap]))\">"
        let peak = Double(map.counts.max() ?? 0)
        if peak > 0, map.columns > 0, map.rows > 0 {
            let cw = w / Double(map.columns), ch = h / Double(map.rows)
            for r in 0..<map.rows {
                for c in 0..<map.columns where map.counts[r * map.columns + c] > 0 {
                    // Square-root scale: a path walked once still shows beside a spot stood on for minutes.
                    let v = (Double(map.counts[r * map.columns + c]) / peak).squareRoot()
                    let hue = Int(60 * (1 - v))  // yellow → red
                    out += "<rect class=\"cell\" x=\"\(f(Double(c) * cw))\" y=\"\(f(Double(r) * ch))\" width=\"\(f(cw))\" "
                    out += "height=\"\(f(ch))\" fill=\"hsl(\(hue) 100% 50%)\" fill-opacity=\"\(f(0.15 + 0.65 * v))\"/>"
                }
            }
        }
        // Labels sized to the image (the SVG's units are the image's pixels, whatever its size).
        let font = max(h / 24, 1)
        let labelStyle = " style=\"font-size: \(f(font))px; stroke-width: \(f(font / 5))px\""
        for (i, zone) in report.scene.zones.enumerated() {
            let points = zone.polygon.map { "\(f($0.x * w)),\(f($0.y * h))" }.joined(separator: " ")
            out += "<polygon class=\"zone\" points=\"\(points)\" stroke=\"\(Self.palette[i % Self.palette.count])\"><title>\(esc(zone.id))</title></polygon>"
            if let first = zone.polygon.first {
                out += "<text class=\"map-label\" x=\"\(f(first.x * w + font / 3))\" y=\"\(f(first.y * h + font * 1.1))\"\(labelStyle)>\(esc(zone.id))</text>"
            }
        }
        for line in report.scene.lines {
            out += "<line class=\"tripwire\" x1=\"\(f(line.from.x * w))\" y1=\"\(f(line.from.y * h))\" "
            out += "x2=\"\(f(line.to.x * w))\" y2=\"\(f(line.to.y * h))\"><title>\(esc(line.id))</title></line>"
            out += "<text class=\"map-label\" x=\"\(f(line.from.x * w + font / 3))\" y=\"\(f(line.from.y * h + font * 1.1))\"\(labelStyle)>\(esc(line.id))</text>"
        }
        out += "</svg></div>\n"
        if peak > 0 {
            out += "<p class=\"heat-legend\"><span>1</span><span class=\"ramp\"></span><span>\(Int(peak)) "
            out += "\(esc(s[.heatUnit]))</span></p>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Helpers

    func svgOpen(width: Double, height: Double, cls: String) -> String {
        "<svg class=\"\(cls)\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\">\n"
    }

    func rect(x: Double, y: Double, w: Double, h: Double, cls: String) -> String {
        "<rect class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\"/>"
    }

    /// Tick times: about 8 over the range, at 1, 2 or 5 x 10^n seconds.
    func ticks(_ t0: Double, _ t1: Double) -> [Double] {
        let raw = (t1 - t0) / 8
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = (t0 / step).rounded(.up) * step
        var out: [Double] = []
        while t <= t1 + 1e-9 {
            out.append(t)
            t += step
        }
        return out
    }

    func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let magnitude = pow(10, (log10(v)).rounded(.down))
        return [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= v } ?? v
    }

    /// Stream time as m:ss.s (h:mm:ss past an hour).
    func clock(_ t: Double) -> String {
        let total = max(0, t)
        let minutes = Int(total / 60), seconds = total - Double(minutes * 60)
        if minutes >= 60 { return String(format: "%d:%02d:%04.1f", minutes / 60, minutes % 60, seconds) }
        return String(format: "%d:%04.1f", minutes, seconds)
    }

    func number(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: v < 1 ? "%.3g" : "%.2f", v)
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    func shorten(_ text: String, _ n: Int) -> String { text.count <= n ? text : String(text.prefix(n - 1)) + "…" }

    /// A Codable value as a dictionary of its JSON keys.
    func jsonObject(_ value: some Encodable) -> [String: JSONValue] {
        guard let data = try? JSONEncoder().encode(value),
              case let .object(object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        return object
    }

    /// `key: value` lines (numbers to 3 decimals at most), sorted by key.
    func keyValues(_ object: [String: JSONValue], skip: Set<String>) -> String {
        let lines = object.keys.sorted().filter { !skip.contains($0) }.compactMap { key -> String? in
            guard let text = object[key]!.text(number: { number(($0 * 1000).rounded() / 1000) }) else { return nil }
            return "<span class=\"kv\"><span class=\"k\">\(esc(key))</span> \(esc(text))</span>"
        }
        return lines.isEmpty ? "—" : lines.joined(separator: "<br>")
    }

    func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d5d9e0; --bg: #f6f7f9; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
               background: var(--bg); margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 1200px; }
        h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
        h3 { font-size: 1rem; margin: 1rem 0 .2rem; }
        header, section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem;
                          margin-bottom: 1.25rem; }
        .description, .caption { color: var(--muted); margin: 0 0 .6rem; }
        .caption { font-size: .9rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .6rem 0 0; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        code { font: .85rem ui-monospace, "DejaVu Sans Mono", monospace; background: #eef1f5; padding: 0 .25rem;
               border-radius: 3px; overflow-wrap: anywhere; }
        ul.hints { margin: 0; padding-left: 1.2rem; } ul.hints li { margin: .25rem 0; }
        svg { display: block; font: 12px system-ui, sans-serif; }
        svg text { fill: var(--ink); }
        .lane-bg { fill: #fff; } .lane-bg.even { fill: #f1f3f6; }
        .lane-label { font-weight: 600; }
        .bar { stroke: rgba(0,0,0,.35); stroke-width: .5; } a:hover .bar { stroke: #000; stroke-width: 2; }
        .axis line { stroke: #8a93a3; } .axis line.grid { stroke: #e3e6eb; } .axis text { fill: var(--muted); }
        .series { stroke-width: 1.8; }
        table.alerts { border-collapse: collapse; width: 100%; font-size: .9rem; }
        table.alerts th { text-align: left; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line);
                          padding: .4rem .5rem; }
        table.alerts td { border-bottom: 1px solid var(--line); padding: .45rem .5rem; vertical-align: top; }
        table.alerts tr:target { background: #fff6d6; }
        .kv { white-space: nowrap; } .kv .k { color: var(--muted); }
        img.snapshot { width: 240px; height: auto; display: block; border-radius: 4px; }
        ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; margin: 0 0 .4rem; }
        .swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; margin-right: .35rem;
                  vertical-align: -2px; }
        .heat { position: relative; width: 100%; max-width: 960px; background: #808080; }
        .heat img, .heat svg { position: absolute; inset: 0; width: 100%; height: 100%; }
        .heat .zone { fill: none; stroke-width: 2.5; vector-effect: non-scaling-stroke; }
        .heat .tripwire { stroke: #fff; stroke-width: 3; stroke-dasharray: 8 4; vector-effect: non-scaling-stroke; }
        .heat .map-label { fill: #fff; font-weight: 700; paint-order: stroke; stroke: #000; }
        .heat-legend { display: flex; align-items: center; gap: .5rem; font-size: .85rem; color: var(--muted); margin: .5rem 0 0; }
        .heat-legend .ramp { width: 160px; height: .7rem; border-radius: 2px;
                             background: linear-gradient(to right, hsla(60 100% 50% / .3), hsla(30 100% 50% / .6), hsla(0 100% 50% / .8)); }
        footer { color: var(--muted); font-size: .85rem; text-align: center; }
        @media print { body { background: #fff; } section { break-inside: avoid; } }
        """
}

/// Any JSON value, to show a Codable type's fields without listing them (thresholds, measurements).
enum JSONValue: Decodable {
    case bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Compact text; nil for null.
    func text(number: (Double) -> String) -> String? {
        switch self {
        case let .bool(b): "\(b)"
        case let .number(n): number(n)
        case let .string(s): s
        case let .array(a): "[" + a.compactMap { $0.text(number: number) }.joined(separator: ", ") + "]"
        case let .object(o):
            "{" + o.keys.sorted().compactMap { k in o[k]!.text(number: number).map { "\(k): \($0)" } }.joined(separator: ", ") + "}"
        case .null: nil
        }
    }
}
