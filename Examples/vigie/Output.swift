import Foundation
import Logging

// MARK: - One logging path
// Every line the CLI writes on stderr — its own notes and errors, and what the library logs —
// goes through swift-log and `VigieLogHandler`: `vigie: …` lines for people (the default), or
// one JSON object per line with `--log-format json` for machines.

/// How log lines are written on stderr.
enum LogFormat: String, CaseIterable, Sendable {
    /// `vigie: camera: message: reason key=value` (for people).
    case text
    /// `{"time":…,"level":…,"message":…,"metadata":{…}}` (for machines).
    case json
}

/// Options every subcommand takes, read before parsing (`vigie [--log-format F] [--quiet] …`,
/// before or after the subcommand's name).
struct OutputOptions: Sendable {
    var format: LogFormat = .text
    var quiet = false

    /// The options taken out of `arguments`; an unknown format is left for the parser to refuse.
    static func extract(from arguments: inout [String]) -> (OutputOptions, error: String?) {
        var options = OutputOptions()
        var error: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--quiet" {
                options.quiet = true
                arguments.remove(at: index)
                continue
            }
            var value: String?
            if argument == "--log-format" {
                value = index + 1 < arguments.count ? arguments[index + 1] : nil
                arguments.removeSubrange(index..<min(index + 2, arguments.count))
            } else if argument.hasPrefix("--log-format=") {
                value = String(argument.dropFirst("--log-format=".count))
                arguments.remove(at: index)
            } else {
                index += 1
                continue
            }
            if let value, let format = LogFormat(rawValue: value) {
                options.format = format
            } else {
                error = "--log-format takes text or json, got \(value ?? "nothing")"
            }
        }
        return (options, error)
    }
}

/// The CLI's options, set once at start (before any other thread runs).
nonisolated(unsafe) var outputOptions = OutputOptions()

/// The CLI's logger (the library's loggers are handed this one).
let cliLogger = Logger(label: "vigie")

/// Writes swift-log records on stderr as `vigie: …` lines or JSON objects.
struct VigieLogHandler: LogHandler {
    let format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let (level, message) = (event.level, event.message)
        var all = metadata
        if let explicit = event.metadata { all.merge(explicit) { $1 } }
        if let error = event.error, all["vigie.error"] == nil { all["vigie.error"] = "\(error)" }
        let text: String
        switch format {
        case .text: text = Self.text(message.description, all)
        case .json: text = Self.json(level: level, message: message.description, all)
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `vigie: CAMERA: MESSAGE: REASON key=value…`.
    static func text(_ message: String, _ metadata: Logger.Metadata) -> String {
        var metadata = metadata
        var line = "vigie: "
        if let camera = metadata.removeValue(forKey: "vigie.camera") { line += "\(camera): " }
        line += message
        for key in ["vigie.error", "vigie.reason"] {
            if let value = metadata.removeValue(forKey: key) { line += ": \(value)" }
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key.hasPrefix("vigie.") ? String(key.dropFirst(6)) : key)=\(value)"
        }
        return line
    }

    static func json(level: Logger.Level, message: String, _ metadata: Logger.Metadata) -> String {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()), "level": level.rawValue, "message": message,
        ]
        if !metadata.isEmpty { object["metadata"] = metadata.mapValues { "\($0)" } }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"level":"error","message":"unencodable log record"}"#.utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

// MARK: - Progress

/// Progress of long work on stderr: a bar with percentage and estimate when the frame count is
/// known, the count alone otherwise (a live stream); nothing when stderr is not a terminal, with
/// `--quiet`, or with `--log-format json`. Redrawn at most five times a second, on one line.
final class Progress {
    private let total: Int?
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private(set) var count = 0

    /// Progress over `total` frames (nil: unknown).
    init(total: Int?) {
        self.total = total.flatMap { $0 > 0 ? $0 : nil }
        enabled = isatty(STDERR_FILENO) == 1 && !outputOptions.quiet && outputOptions.format == .text
    }

    /// One more frame done.
    func advance() {
        count += 1
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = Date()
        FileHandle.standardError.write(Data(("\r" + Self.line(count: count, total: total, elapsed: Date().timeIntervalSince(start)) + "\u{1B}[K").utf8))
    }

    /// Clears the progress line (before the summary is written).
    func finish() {
        guard enabled, lastDraw != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// The progress text: `[#####-----]  50 % 500/1000 frames, about 12 s left`, or `1234 frames`.
    static func line(count: Int, total: Int?, elapsed: Double, width: Int = 30) -> String {
        guard let total else { return "\(count) frames" }
        let fraction = min(1, Double(count) / Double(total))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let left = count > 0 ? elapsed / Double(count) * Double(max(0, total - count)) : 0
        let estimate = left >= 60 ? String(format: "%d min %02d s", Int(left) / 60, Int(left) % 60) : String(format: "%.0f s", left)
        return String(format: "[%@] %3d %% %d/%d frames, about %@ left", bar, Int(fraction * 100), count, total, estimate)
    }
}
