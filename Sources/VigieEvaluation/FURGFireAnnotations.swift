import Foundation
import VigieCore

/// The boxes of a FURG fire dataset annotation file (Steffens et al., LARS 2015): an OpenCV
/// FileStorage XML with one entry per frame (`frameNumber` from 0) whose `annotations` hold
/// rectangles `x y width height` in pixels (top-left origin) around each flame.
public struct FURGFireAnnotations: Sendable {
    /// Boxes per frame, indexed by frame number (0 = first decoded frame); frames without an entry
    /// have no boxes.
    public var frames: [[PixelRect]]
    /// The frame size the file declares (`frameWidth`, `frameHeight`), if it does.
    public var frameSize: (width: Int, height: Int)?

    /// Reads and parses an annotation file.
    /// - Throws: `EvaluationError.missingFile`, `.unreadableFile` or `.invalidAnnotations`.
    public init(path: String) throws(EvaluationError) {
        let bytes = try readFileBytes(path)
        try self.init(xml: String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// Parses the text of an annotation file; `path` names it in errors.
    /// - Throws: `EvaluationError.invalidAnnotations` naming the entry at fault.
    public init(xml: String, path: String = "annotations") throws(EvaluationError) {
        func value(_ tag: String, in text: Substring) -> Substring? {
            guard let open = text.range(of: "<\(tag)>"), let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
            else { return nil }
            return text[open.upperBound..<close.lowerBound]
        }
        let text = Substring(xml)
        if let w = value("frameWidth", in: text).flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
           let h = value("frameHeight", in: text).flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
            frameSize = (w, h)
        } else {
            frameSize = nil
        }
        var frames: [[PixelRect]] = []
        let entries = xml.components(separatedBy: "<frameNumber>").dropFirst()
        for entry in entries {
            let entry = Substring(entry)
            guard let end = entry.range(of: "</frameNumber>"),
                  let number = Int(entry[..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)), number >= 0
            else { throw .invalidAnnotations(path: path, reason: "frameNumber is not a number ≥ 0 near \"\(entry.prefix(30))\"") }
            var boxes: [PixelRect] = []
            if let annotations = value("annotations", in: entry) {
                for item in annotations.components(separatedBy: "<_>").dropFirst() {
                    let body = item.components(separatedBy: "</_>")[0]
                    let numbers = body.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map { Int($0) }
                    guard numbers.count == 4, let x = numbers[0], let y = numbers[1], let w = numbers[2], let h = numbers[3],
                          w >= 0, h >= 0
                    else { throw .invalidAnnotations(path: path, reason: "frame \(number): expected \"x y width height\", got \"\(body)\"") }
                    boxes.append(PixelRect(x: x, y: y, width: w, height: h))
                }
            }
            if number >= frames.count { frames += Array(repeating: [], count: number + 1 - frames.count) }
            frames[number] = boxes
        }
        guard !frames.isEmpty else { throw .invalidAnnotations(path: path, reason: "no <frameNumber> entries") }
        self.frames = frames
    }

    /// The boxes of frame `number` (empty beyond the file).
    public func boxes(atFrame number: Int) -> [PixelRect] { number >= 0 && number < frames.count ? frames[number] : [] }
}

/// Frame-level and box-level scores of a fire detector against per-frame boxes.
///
/// A frame with ground truth counts as a true positive when a detected box overlaps one of its
/// boxes, a false negative otherwise; a frame with detections none of which overlaps ground truth is
/// a false positive (also on a frame with ground truth: then it is a false negative too). A frame
/// without ground truth is a false positive if anything is detected.
public struct FireDetectionScores: Sendable, Hashable {
    /// Frames with ground truth where a detection overlapped it.
    public var truePositiveFrames = 0
    /// Frames with a detection that overlapped no ground-truth box.
    public var falsePositiveFrames = 0
    /// Frames with ground truth and no overlapping detection.
    public var falseNegativeFrames = 0
    /// Frames scored.
    public var frames = 0
    /// Detected boxes, and those that overlap a ground-truth box.
    public var detectedBoxes = 0, detectedBoxesOnFire = 0
    /// Ground-truth boxes, and those overlapped by a detection.
    public var truthBoxes = 0, truthBoxesFound = 0
    /// Index (from 0) of the first frame with an overlapping detection, if any.
    public var firstDetectionFrame: Int?

    /// Empty scores.
    public init() {}

    /// Scores one frame.
    public mutating func add(detected: [PixelRect], truth: [PixelRect]) {
        func overlaps(_ a: PixelRect, _ b: PixelRect) -> Bool {
            a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
        }
        let onFire = detected.filter { d in truth.contains { overlaps(d, $0) } }
        let found = truth.filter { t in detected.contains { overlaps($0, t) } }
        detectedBoxes += detected.count
        detectedBoxesOnFire += onFire.count
        truthBoxes += truth.count
        truthBoxesFound += found.count
        if !truth.isEmpty {
            if onFire.isEmpty { falseNegativeFrames += 1 } else {
                truePositiveFrames += 1
                if firstDetectionFrame == nil { firstDetectionFrame = frames }
            }
        }
        if !detected.isEmpty && onFire.isEmpty { falsePositiveFrames += 1 }
        frames += 1
    }

    /// TP / (TP + FP) over frames; 1 when nothing was detected.
    public var precision: Double {
        truePositiveFrames + falsePositiveFrames == 0 ? 1 : Double(truePositiveFrames) / Double(truePositiveFrames + falsePositiveFrames)
    }
    /// TP / (TP + FN) over frames; 1 when there was nothing to find.
    public var recall: Double {
        truePositiveFrames + falseNegativeFrames == 0 ? 1 : Double(truePositiveFrames) / Double(truePositiveFrames + falseNegativeFrames)
    }
    /// Harmonic mean of frame precision and recall.
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    /// Fraction of detected boxes that overlap ground truth.
    public var boxPrecision: Double { detectedBoxes == 0 ? 1 : Double(detectedBoxesOnFire) / Double(detectedBoxes) }
    /// Fraction of ground-truth boxes overlapped by a detection.
    public var boxRecall: Double { truthBoxes == 0 ? 1 : Double(truthBoxesFound) / Double(truthBoxes) }
}
