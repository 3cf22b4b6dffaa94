import Foundation
import VigieCore

/// A `Detector` that replays detections computed elsewhere — by an integrator's own model on
/// another machine, or written by hand for a test — from a text file, one detection per line:
///
/// ```
/// # frame,x,y,width,height,class[,confidence]   (pixels of the analysed frame)
/// 12,140,60,18,40,weapon,0.9
/// 13,143,61,18,40,weapon
/// ```
///
/// Lines are matched to frames by `Frame.number` (the input's frame number). Blank lines and
/// lines starting with `#` are ignored. This is how a classical pipeline is told about things
/// only a trained model can see (Vigie detects no weapons itself: see `Documentation/Rules.md`).
public struct ReplayDetector: Detector, Sendable {
    /// A malformed detection file.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Line `line` (from 1) is not `frame,x,y,width,height,class[,confidence]`.
        case invalidLine(line: Int, reason: String)

        public var description: String {
            switch self {
            case let .invalidLine(line, reason): "detection file line \(line): \(reason)"
            }
        }
    }

    /// Detections per frame number.
    public let detections: [Int: [Detection]]

    /// Detections per frame number.
    public init(detections: [Int: [Detection]]) { self.detections = detections }

    /// Parses the text of a detection file.
    /// - Throws: `ParseError.invalidLine` naming the first bad line.
    public init(text: String) throws(ParseError) {
        var byFrame: [Int: [Detection]] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count == 6 || fields.count == 7 else {
                throw .invalidLine(line: index + 1, reason: "expected 6 or 7 comma-separated fields, found \(fields.count)")
            }
            guard let frame = Int(fields[0]), let x = Int(fields[1]), let y = Int(fields[2]),
                  let w = Int(fields[3]), let h = Int(fields[4]) else {
                throw .invalidLine(line: index + 1, reason: "frame, x, y, width and height must be integers")
            }
            guard w > 0, h > 0 else { throw .invalidLine(line: index + 1, reason: "width and height must be positive") }
            guard !fields[5].isEmpty else { throw .invalidLine(line: index + 1, reason: "the class is empty") }
            var confidence = 1.0
            if fields.count == 7 {
                guard let c = Double(fields[6]), c >= 0, c <= 1 else {
                    throw .invalidLine(line: index + 1, reason: "confidence must be a number in 0…1")
                }
                confidence = c
            }
            byFrame[frame, default: []].append(
                Detection(box: PixelRect(x: x, y: y, width: w, height: h), objectClass: fields[5], confidence: confidence))
        }
        detections = byFrame
    }

    /// Reads and parses a detection file.
    /// - Throws: the file system's error when it cannot be read, `ParseError` when malformed.
    public init(contentsOf url: URL) throws {
        try self.init(text: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    /// The detections recorded for `frame.number`.
    public mutating func detect(_ frame: Frame) throws -> [Detection] { detections[frame.number] ?? [] }
}
