import Foundation
import VigieKernels

/// One row of a MOT Challenge text file: `frame,id,left,top,width,height,conf,x,y,z`.
/// Boxes are in pixels of the sequence's frames; frames are numbered from 1.
public struct MOTBox: Hashable, Sendable {
    /// Frame number, from 1.
    public var frame: Int
    /// Object (ground truth) or track (hypothesis) id.
    public var id: Int
    /// Left edge, pixels.
    public var left: Double
    /// Top edge, pixels.
    public var top: Double
    /// Width, pixels.
    public var width: Double
    /// Height, pixels.
    public var height: Double
    /// The `conf` column (ground truth: 1 to score, 0 to ignore in MOT16 and later; trackers: a score).
    public var confidence: Double

    /// A box of frame `frame`, pixels.
    public init(frame: Int, id: Int, left: Double, top: Double, width: Double, height: Double, confidence: Double = 1) {
        self.frame = frame
        self.id = id
        self.left = left
        self.top = top
        self.width = width
        self.height = height
        self.confidence = confidence
    }

    /// Intersection over union with another box (continuous edges), 0…1.
    public func iou(_ o: MOTBox) -> Double {
        let w = min(left + width, o.left + o.width) - max(left, o.left)
        let h = min(top + height, o.top + o.height) - max(top, o.top)
        guard w > 0, h > 0 else { return 0 }
        let i = w * h
        let u = width * height + o.width * o.height - i
        return u > 0 ? i / u : 0
    }
}

/// Why a MOT Challenge file could not be read.
public enum MOTFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is missing or unreadable.
    case unreadableFile(path: String)
    /// A line that is not `frame,id,left,top,width,height[,…]` with numbers.
    case invalidLine(path: String, line: Int, reason: String)

    /// The path, the line, then the reason.
    public var description: String {
        switch self {
        case let .unreadableFile(path): "\(path): cannot read file"
        case let .invalidLine(path, line, reason): "\(path):\(line): \(reason)"
        }
    }
}

/// The MOT Challenge text format: reading and writing.
public enum MOTChallengeFile {
    /// The largest magnitude of any field (frame, id, coordinates, score): 10 million.
    public static let largestValue = 1e7

    /// The boxes of the file at `path` (blank lines skipped; commas or spaces separate fields).
    public static func read(_ path: String) throws(MOTFileError) -> [MOTBox] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path: path) }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// The boxes of a MOT Challenge text; `path` names it in errors.
    public static func parse(_ text: String, path: String = "<text>") throws(MOTFileError) -> [MOTBox] {
        var boxes: [MOTBox] = []
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let fields = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count >= 6 else {
                throw .invalidLine(path: path, line: lineNumber, reason: "expected at least 6 fields, got \(fields.count)")
            }
            var numbers: [Double] = []
            for (k, f) in fields.prefix(7).enumerated() {
                guard let v = Double(f), v.isFinite else {
                    throw .invalidLine(path: path, line: lineNumber, reason: "field \(k + 1) is not a number: \"\(f)\"")
                }
                numbers.append(v)
            }
            guard numbers[0] == numbers[0].rounded(), numbers[1] == numbers[1].rounded() else {
                throw .invalidLine(path: path, line: lineNumber, reason: "frame and id must be whole numbers")
            }
            // Far beyond any frame, and safe to turn into integers and add up.
            guard numbers.allSatisfy({ abs($0) <= MOTChallengeFile.largestValue }) else {
                throw .invalidLine(path: path, line: lineNumber,
                                   reason: "a value is out of range (beyond ±\(Int(MOTChallengeFile.largestValue)))")
            }
            boxes.append(MOTBox(frame: Int(numbers[0]), id: Int(numbers[1]), left: numbers[2], top: numbers[3],
                                width: numbers[4], height: numbers[5], confidence: numbers.count > 6 ? numbers[6] : 1))
        }
        return boxes
    }

    /// One line `frame,id,left,top,width,height,score,-1,-1,-1` (what `vigie track` writes).
    public static func line(_ box: MOTBox) -> String {
        func f(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v) }
        return "\(box.frame),\(box.id),\(f(box.left)),\(f(box.top)),\(f(box.width)),\(f(box.height)),\(f(box.confidence)),-1,-1,-1"
    }
}

/// CLEAR MOT and identity scores of a tracker output against ground truth.
///
/// Counts are over boxes (one per object per frame); ratios are 0…1 (MOTA can be negative).
public struct MOTScores: Hashable, Sendable {
    /// Ground-truth boxes.
    public var groundTruthCount: Int
    /// Hypothesis (tracker) boxes.
    public var hypothesisCount: Int
    /// Matched pairs (true positives).
    public var matches: Int
    /// False positives: hypotheses matched to nothing.
    public var falsePositives: Int
    /// False negatives (misses): ground-truth boxes matched to nothing.
    public var falseNegatives: Int
    /// Identity switches: a ground-truth object matched to a different track than the last time.
    public var identitySwitches: Int
    /// Sum of the IoU of the matched pairs.
    public var iouSum: Double
    /// Ground-truth objects (distinct ids).
    public var groundTruthObjects: Int
    /// Objects matched in at least 80 % of their frames.
    public var mostlyTracked: Int
    /// Objects matched in 20–80 % of their frames.
    public var partiallyTracked: Int
    /// Objects matched in less than 20 % of their frames.
    public var mostlyLost: Int
    /// Identity true positives: boxes matched (IoU ≥ threshold) under the best one-to-one
    /// assignment of ground-truth ids to track ids over the whole sequence.
    public var identityTruePositives: Int

    /// MOTA = 1 − (FN + FP + IDSW) / ground-truth boxes.
    public var mota: Double { 1 - Double(falseNegatives + falsePositives + identitySwitches) / Double(max(groundTruthCount, 1)) }
    /// MOTP as the MOT Challenge devkit reports it: the mean IoU of matched pairs (py-motmetrics
    /// reports 1 − this).
    public var motp: Double { matches > 0 ? iouSum / Double(matches) : 0 }
    /// Matches / ground-truth boxes.
    public var recall: Double { Double(matches) / Double(max(groundTruthCount, 1)) }
    /// Matches / hypothesis boxes.
    public var precision: Double { Double(matches) / Double(max(hypothesisCount, 1)) }
    /// IDF1 = 2 IDTP / (ground-truth boxes + hypothesis boxes) (Ristani et al. 2016).
    public var idf1: Double { 2 * Double(identityTruePositives) / Double(max(groundTruthCount + hypothesisCount, 1)) }
    /// Identity precision IDTP / hypothesis boxes.
    public var idPrecision: Double { Double(identityTruePositives) / Double(max(hypothesisCount, 1)) }
    /// Identity recall IDTP / ground-truth boxes.
    public var idRecall: Double { Double(identityTruePositives) / Double(max(groundTruthCount, 1)) }

    /// A table in the MOT Challenge's order, percentages with one decimal.
    public var table: String {
        func cell(_ v: String) -> String { v.count >= 6 ? v + " " : v.padding(toLength: 6, withPad: " ", startingAt: 0) }
        func p(_ v: Double) -> String { cell(String(format: "%.1f", 100 * v)) }
        func n(_ v: Int) -> String { cell(String(v)) }
        let header = ["IDF1", "IDP", "IDR", "Rcll", "Prcn", "GT", "MT", "PT", "ML", "FP", "FN", "IDs", "MOTA", "MOTP"]
        let values = [p(idf1), p(idPrecision), p(idRecall), p(recall), p(precision), n(groundTruthObjects),
                      n(mostlyTracked), n(partiallyTracked), n(mostlyLost), n(falsePositives), n(falseNegatives),
                      n(identitySwitches), p(mota), p(motp)]
        return header.map(cell).joined() + "\n" + values.joined()
    }

    /// One JSON object with every score (ratios 0…1).
    public var jsonLine: String {
        String(format: "{\"mota\":%.4f,\"motp\":%.4f,\"idf1\":%.4f,\"idp\":%.4f,\"idr\":%.4f,\"recall\":%.4f,\"precision\":%.4f,",
               mota, motp, idf1, idPrecision, idRecall, recall, precision)
            + "\"fp\":\(falsePositives),\"fn\":\(falseNegatives),\"idsw\":\(identitySwitches),\"gt\":\(groundTruthObjects),"
            + "\"mt\":\(mostlyTracked),\"pt\":\(partiallyTracked),\"ml\":\(mostlyLost),"
            + "\"gtBoxes\":\(groundTruthCount),\"hypothesisBoxes\":\(hypothesisCount)}"
    }
}

/// Scores a tracker output against ground truth with the MOT Challenge metrics.
///
/// **CLEAR MOT** (Bernardin & Stiefelhagen 2008), frame by frame, as the MOT Challenge devkit
/// and py-motmetrics do it: a pair can match when its IoU is at least `iouThreshold` (0.5);
/// first, every ground-truth object keeps the track it was last matched to if that pair can
/// still match; the rest are matched by the Hungarian algorithm on 1 − IoU; a ground-truth object
/// matched to a different track than its last one is an identity switch. Unmatched hypotheses
/// are false positives, unmatched ground truth false negatives.
///
/// **IDF1** (Ristani et al. 2016): for each (ground-truth id, track id) pair, the number of
/// frames where both are present and can match; the one-to-one assignment of ground-truth ids
/// to track ids maximising the total of these counts (the global min-cost bipartite matching of
/// the paper, solved with the Hungarian algorithm) gives IDTP.
public enum MOTMetrics {
    /// The scores of `hypotheses` against `groundTruth`. Ground-truth boxes with confidence 0
    /// (MOT16 and later: ignored) are left out.
    public static func evaluate(groundTruth: [MOTBox], hypotheses: [MOTBox], iouThreshold: Double = 0.5) -> MOTScores {
        let gt = groundTruth.filter { $0.confidence != 0 }
        let gtByFrame = Dictionary(grouping: gt, by: \.frame)
        let hypByFrame = Dictionary(grouping: hypotheses, by: \.frame)
        let frames = Set(gtByFrame.keys).union(hypByFrame.keys).sorted()

        var scores = MOTScores(groundTruthCount: gt.count, hypothesisCount: hypotheses.count, matches: 0,
                               falsePositives: 0, falseNegatives: 0, identitySwitches: 0, iouSum: 0,
                               groundTruthObjects: 0, mostlyTracked: 0, partiallyTracked: 0, mostlyLost: 0,
                               identityTruePositives: 0)
        var lastMatch: [Int: Int] = [:]           // ground-truth id -> last matched track id
        var matchedFrames: [Int: Int] = [:]       // ground-truth id -> frames matched
        var presentFrames: [Int: Int] = [:]       // ground-truth id -> frames present
        var pairFrames: [Int64: Int] = [:]        // (gt id, track id) -> frames the pair can match
        var solver = HungarianSolver()
        var costs: [Double] = []

        for frame in frames {
            let g = gtByFrame[frame] ?? [], h = hypByFrame[frame] ?? []
            var iou = [Double](repeating: 0, count: g.count * h.count)
            for i in g.indices {
                presentFrames[g[i].id, default: 0] += 1
                for j in h.indices {
                    let v = g[i].iou(h[j])
                    iou[i * h.count + j] = v
                    if v >= iouThreshold { pairFrames[Int64(g[i].id) << 32 | Int64(h[j].id), default: 0] += 1 }
                }
            }
            var gtMatched = [Bool](repeating: false, count: g.count)
            var hypMatched = [Bool](repeating: false, count: h.count)
            func record(_ i: Int, _ j: Int) {
                gtMatched[i] = true
                hypMatched[j] = true
                scores.matches += 1
                scores.iouSum += iou[i * h.count + j]
                matchedFrames[g[i].id, default: 0] += 1
                if let previous = lastMatch[g[i].id], previous != h[j].id { scores.identitySwitches += 1 }
                lastMatch[g[i].id] = h[j].id
            }
            // 1. Keep last matches that are still valid.
            for i in g.indices {
                guard let previous = lastMatch[g[i].id] else { continue }
                if let j = h.indices.first(where: { !hypMatched[$0] && h[$0].id == previous }),
                   iou[i * h.count + j] >= iouThreshold {
                    record(i, j)
                }
            }
            // 2. Hungarian on 1 − IoU over the rest.
            let rows = g.indices.filter { !gtMatched[$0] }, columns = h.indices.filter { !hypMatched[$0] }
            if !rows.isEmpty && !columns.isEmpty {
                costs.removeAll(keepingCapacity: true)
                for i in rows {
                    for j in columns {
                        let v = iou[i * h.count + j]
                        costs.append(v >= iouThreshold ? 1 - v : 1e6)
                    }
                }
                let assignment = solver.solve(costs, rows: rows.count, columns: columns.count)
                for (r, c) in assignment.enumerated() where c >= 0 && costs[r * columns.count + c] < 1e6 {
                    record(rows[r], columns[c])
                }
            }
            scores.falseNegatives += gtMatched.count { !$0 }
            scores.falsePositives += hypMatched.count { !$0 }
        }

        scores.groundTruthObjects = presentFrames.count
        for (id, present) in presentFrames {
            let ratio = Double(matchedFrames[id] ?? 0) / Double(present)
            if ratio >= 0.8 { scores.mostlyTracked += 1 } else if ratio >= 0.2 { scores.partiallyTracked += 1 } else { scores.mostlyLost += 1 }
        }
        scores.identityTruePositives = identityTruePositives(pairFrames, solver: &solver)
        return scores
    }

    /// The largest total of `pairFrames` over one-to-one assignments of ground-truth ids to track ids.
    static func identityTruePositives(_ pairFrames: [Int64: Int], solver: inout HungarianSolver) -> Int {
        let gtIds = Array(Set(pairFrames.keys.map { Int($0 >> 32) })).sorted()
        let hypIds = Array(Set(pairFrames.keys.map { Int($0 & 0xFFFF_FFFF) })).sorted()
        guard !gtIds.isEmpty else { return 0 }
        let row = Dictionary(uniqueKeysWithValues: gtIds.enumerated().map { ($1, $0) })
        let column = Dictionary(uniqueKeysWithValues: hypIds.enumerated().map { ($1, $0) })
        var costs = [Double](repeating: 0, count: gtIds.count * hypIds.count)
        for (key, count) in pairFrames {
            costs[row[Int(key >> 32)]! * hypIds.count + column[Int(key & 0xFFFF_FFFF)]!] = -Double(count)
        }
        let assignment = solver.solve(costs, rows: gtIds.count, columns: hypIds.count)
        var total = 0
        for (r, c) in assignment.enumerated() where c >= 0 { total += Int(-costs[r * hypIds.count + c]) }
        return total
    }
}

// MARK: - Assignment
