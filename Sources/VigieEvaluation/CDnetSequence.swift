import Foundation
import VigieCore

/// One sequence of the CDnet 2014 change-detection data set (for example `baseline/highway`).
///
/// The folder holds:
/// ```
/// highway/
/// ├── input/            in000001.jpg …   frames, numbered from 1, six digits
/// ├── groundtruth/      gt000001.png …   0 static, 50 hard shadow, 85 outside the ROI,
/// │                                      170 unknown (motion blur), 255 moving
/// ├── ROI.bmp           region of interest: non-zero pixels are scored
/// └── temporalROI.txt   "first last": the frames that are scored (earlier ones are warm-up)
/// ```
/// Opening a sequence reads `temporalROI.txt` and `ROI.bmp` and checks both folders exist;
/// frames and ground truth are read on demand.
public struct CDnetSequence: Sendable {
    /// The sequence folder, as given.
    public let path: String
    /// The folder of input frames (`inNNNNNN.jpg`).
    public let inputFolder: String
    /// The folder of ground-truth images (`gtNNNNNN.png`).
    public let groundTruthFolder: String
    /// The frame numbers that are scored, from `temporalROI.txt` (inclusive, counting from 1).
    public let temporalROI: ClosedRange<Int>
    /// The spatial region of interest from `ROI.bmp`: non-zero pixels are scored.
    package let roi: Plane

    /// Width of the region of interest (and of every frame and ground-truth image), in pixels.
    public var width: Int { roi.width }
    /// Height of the region of interest (and of every frame and ground-truth image), in pixels.
    public var height: Int { roi.height }

    /// Opens the sequence folder at `path`.
    /// - Throws: `missingFile` for a missing folder, `input/`, `groundtruth/`, `ROI.bmp` or
    ///   `temporalROI.txt`; `invalidSequence` when `temporalROI.txt` is not two frame numbers
    ///   `first last` with 1 ≤ first ≤ last; `invalidImage` when `ROI.bmp` cannot be decoded.
    public init(path: String) throws(EvaluationError) {
        let root = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        guard folderExists(root) else { throw .missingFile(path: root) }
        self.path = path
        inputFolder = root + "/input"
        groundTruthFolder = root + "/groundtruth"
        for folder in [inputFolder, groundTruthFolder] where !folderExists(folder) {
            throw .missingFile(path: folder)
        }
        temporalROI = try Self.readTemporalROI(root + "/temporalROI.txt")
        roi = try BMPReader.read(contentsOf: root + "/ROI.bmp")
    }

    /// Parses `temporalROI.txt`: two whole numbers separated by white space.
    static func readTemporalROI(_ file: String) throws(EvaluationError) -> ClosedRange<Int> {
        let bytes = try readFileBytes(file)
        let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0.isWhitespace })
        guard fields.count == 2, let first = Int(fields[0]), let last = Int(fields[1]) else {
            throw .invalidSequence(path: file, reason: "expected two frame numbers \"first last\", found "
                                   + "\(fields.count) field\(fields.count == 1 ? "" : "s")")
        }
        guard first >= 1, first <= last else {
            throw .invalidSequence(path: file,
                                   reason: "temporal ROI \(first)…\(last) is empty or starts before frame 1")
        }
        return first...last
    }

    /// The path of the ground-truth image of frame `frame`: `groundtruth/gt000470.png`.
    public func groundTruthPath(frame: Int) -> String {
        let digits = String(frame)
        return groundTruthFolder + "/gt" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".png"
    }

    /// The ground truth of frame `frame` (0, 50, 85, 170 or 255 per pixel).
    /// - Throws: `missingFile` when it does not exist, `invalidImage` when it cannot be decoded,
    ///   `sizeMismatch` when its size differs from `ROI.bmp`'s.
    package func groundTruth(frame: Int) throws(EvaluationError) -> Plane {
        let file = groundTruthPath(frame: frame)
        let plane = try PNGDecoder.decode(contentsOf: file)
        guard plane.width == roi.width, plane.height == roi.height else {
            throw .sizeMismatch(what: file, width: plane.width, height: plane.height,
                                expectedWidth: roi.width, expectedHeight: roi.height)
        }
        return plane
    }
}

extension CDnetSequence: CustomStringConvertible {
    /// The path, size and temporal ROI: `…/highway (320x240, frames 470…1700)`.
    public var description: String {
        "\(path) (\(width)x\(height), frames \(temporalROI.lowerBound)…\(temporalROI.upperBound))"
    }
}
