import Foundation
import VigieCore

/// Pixel counts and the CDnet 2014 metrics of a foreground segmentation against ground truth.
///
/// A pixel is scored only inside the region of interest (`ROI.bmp` non-zero) and where the
/// ground truth is 0 or 50 (negative: static background, hard shadow) or 255 (positive:
/// moving). 85 (outside the ROI), 170 (unknown, motion blur) and any other value are not scored.
/// A mask pixel is foreground when it is non-zero. The metrics match
/// `Benchmarks/opencv/bgs.py`; each is 0 when its denominator is 0.
public struct CDnetScores: Codable, Sendable, Equatable {
    /// True positives: foreground in the mask, moving in the ground truth.
    public var tp: Int
    /// False positives: foreground in the mask, static or shadow in the ground truth.
    public var fp: Int
    /// False negatives: background in the mask, moving in the ground truth.
    public var fn: Int
    /// True negatives: background in the mask, static or shadow in the ground truth.
    public var tn: Int

    /// Scores from counts (all zero by default).
    public init(tp: Int = 0, fp: Int = 0, fn: Int = 0, tn: Int = 0) {
        self.tp = tp
        self.fp = fp
        self.fn = fn
        self.tn = tn
    }

    /// Number of scored pixels, TP + FP + FN + TN.
    public var scoredPixels: Int { tp + fp + fn + tn }
    /// TP / (TP + FN), 0…1.
    public var recall: Double { Self.ratio(tp, tp + fn) ?? 0 }
    /// TN / (TN + FP), 0…1.
    public var specificity: Double { Self.ratio(tn, tn + fp) ?? 0 }
    /// False positive rate, FP / (FP + TN), 0…1.
    public var fpr: Double { Self.ratio(fp, fp + tn) ?? 0 }
    /// False negative rate, FN / (TP + FN), 0…1.
    public var fnr: Double { Self.ratio(fn, tp + fn) ?? 0 }
    /// Percentage of wrong classifications, 100 (FN + FP) / (TP + FN + FP + TN), 0…100.
    public var pwc: Double { Self.ratio(100 * (fn + fp), scoredPixels) ?? 0 }
    /// TP / (TP + FP), 0…1.
    public var precision: Double { Self.ratio(tp, tp + fp) ?? 0 }
    /// Harmonic mean of precision and recall, 2PR / (P + R), 0…1.
    public var fMeasure: Double { Self.fMeasure(precision: optionalPrecision, recall: optionalRecall) ?? 0 }

    /// Adds `other`'s counts to these.
    public mutating func add(_ other: CDnetScores) {
        tp += other.tp
        fp += other.fp
        fn += other.fn
        tn += other.tn
    }

    /// Counts the pixels of one frame: `mask` against `groundTruth`, inside `roi`.
    /// - Throws: `sizeMismatch` when the mask or the ROI is not the ground truth's size.
    package mutating func accumulate(mask: Mask, groundTruth: Plane, roi: Plane) throws(EvaluationError) {
        for (what, plane) in [("mask", mask.plane), ("region of interest", roi)]
        where plane.width != groundTruth.width || plane.height != groundTruth.height {
            throw .sizeMismatch(what: what, width: plane.width, height: plane.height,
                                expectedWidth: groundTruth.width, expectedHeight: groundTruth.height)
        }
        let width = groundTruth.width, height = groundTruth.height
        let counts = mask.plane.withView { m in
            groundTruth.withView { g in
                roi.withView { r in
                    Self.count(mask: Rows(m.base, m.stride), groundTruth: Rows(g.base, g.stride),
                               roi: Rows(r.base, r.stride), width: width, height: height)
                }
            }
        }
        add(counts)
    }

    /// The counting kernel: one branch-free pass over each row.
    static func count(mask m: Rows, groundTruth g: Rows, roi r: Rows, width: Int, height: Int) -> CDnetScores {
        var tp = 0, fp = 0, fn = 0, tn = 0
        for y in 0..<height {
            let mr = m.row(y), gr = g.row(y), rr = r.row(y)
            var rowTP = 0, rowFP = 0, rowFN = 0, rowTN = 0
            for x in 0..<width {
                let gt = gr[x]
                let inside = rr[x] != 0 ? 1 : 0
                let positive = (gt == 255 ? 1 : 0) & inside
                let negative = (gt == 0 || gt == 50 ? 1 : 0) & inside
                let foreground = mr[x] != 0 ? 1 : 0
                rowTP &+= positive & foreground
                rowFN &+= positive & (foreground ^ 1)
                rowFP &+= negative & foreground
                rowTN &+= negative & (foreground ^ 1)
            }
            tp += rowTP
            fp += rowFP
            fn += rowFN
            tn += rowTN
        }
        return CDnetScores(tp: tp, fp: fp, fn: fn, tn: tn)
    }

    // MARK: - Reports

    /// One JSON object on one line, keys as `Benchmarks/opencv/bgs.py --json` writes them:
    /// `tp`, `fp`, `fn`, `tn`, `recall`, `specificity`, `fpr`, `fnr`, `pwc`, `precision`,
    /// `f_measure`. As in `bgs.py`, a metric whose denominator is 0 is `null`.
    public var jsonLine: String {
        let metrics: [(String, Double?)] = [
            ("recall", optionalRecall), ("specificity", Self.ratio(tn, tn + fp)), ("fpr", Self.ratio(fp, fp + tn)),
            ("fnr", Self.ratio(fn, tp + fn)), ("pwc", Self.ratio(100 * (fn + fp), scoredPixels)),
            ("precision", optionalPrecision),
            ("f_measure", Self.fMeasure(precision: optionalPrecision, recall: optionalRecall)),
        ]
        let fields = ["\"tp\":\(tp)", "\"fp\":\(fp)", "\"fn\":\(fn)", "\"tn\":\(tn)"]
            + metrics.map { key, value in "\"\(key)\":" + (value.map { "\($0)" } ?? "null") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// A human-readable table of the counts and metrics, one per line.
    public var table: String {
        func row(_ name: String, _ value: String) -> String {
            name.padding(toLength: 13, withPad: " ", startingAt: 0) + value
        }
        func number(_ value: Double) -> String { String(format: "%.4f", value) }
        return [
            row("TP", "\(tp)"), row("FP", "\(fp)"), row("FN", "\(fn)"), row("TN", "\(tn)"),
            row("recall", number(recall)), row("specificity", number(specificity)), row("FPR", number(fpr)),
            row("FNR", number(fnr)), row("PWC", String(format: "%.3f %%", pwc)), row("precision", number(precision)),
            row("F-measure", number(fMeasure)),
        ].joined(separator: "\n")
    }

    // MARK: - Helpers

    var optionalRecall: Double? { Self.ratio(tp, tp + fn) }
    var optionalPrecision: Double? { Self.ratio(tp, tp + fp) }

    static func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
        denominator == 0 ? nil : Double(numerator) / Double(denominator)
    }

    static func fMeasure(precision: Double?, recall: Double?) -> Double? {
        guard let precision, let recall, precision + recall > 0 else { return nil }
        return 2 * precision * recall / (precision + recall)
    }
}

extension CDnetScores: CustomStringConvertible {
    /// The counts and the F-measure on one line: `TP 10 FP 2 FN 3 TN 85 F 0.8000`.
    public var description: String { "TP \(tp) FP \(fp) FN \(fn) TN \(tn) F \(String(format: "%.4f", fMeasure))" }
}

/// Rows of an 8-bit plane: the address of pixel (0, 0) and the bytes from one row to the next.
struct Rows {
    let base: UnsafePointer<UInt8>
    let stride: Int

    init(_ base: UnsafePointer<UInt8>, _ stride: Int) {
        self.base = base
        self.stride = stride
    }

    /// The first pixel of row `y`.
    @inline(__always)
    func row(_ y: Int) -> UnsafePointer<UInt8> { base + y * stride }
}
