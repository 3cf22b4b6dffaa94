import VigieCore
import VigieIO

/// Scores a foreground segmentation on a CDnet sequence.
///
/// The algorithm is the caller's closure; the evaluator only schedules it: it decodes the
/// sequence's `input/` frames in order from the first (frames before the temporal ROI warm the
/// model up and are not scored), passes each to the closure, and scores the masks of frames
/// inside the temporal ROI against `groundtruth/` within `ROI.bmp`. Frames after the temporal
/// ROI are not read.
public enum CDnetEvaluator {
    /// Runs `segment` over the sequence's frames and returns the summed scores.
    ///
    /// - Parameters:
    ///   - sequence: the sequence to evaluate.
    ///   - progress: called after each frame with (frames done, frames to do).
    ///   - segment: the algorithm under test: a frame (YCbCr 4:2:0, full size) in, its foreground
    ///     mask out (non-zero = foreground, the frame's size).
    /// - Throws: whatever `segment` throws; `FrameSourceError` when an input frame cannot be read;
    ///   `EvaluationError` when a ground-truth image cannot be read, a mask has the wrong size,
    ///   or `input/` lacks frames of the temporal ROI.
    public static func evaluate(sequence: CDnetSequence, progress: ((Int, Int) -> Void)? = nil,
                                segment: (Frame) throws -> Mask) throws -> CDnetScores {
        var source = try JPEGFolderSource(path: sequence.inputFolder, format: .ycbcr420)
        let roi = sequence.temporalROI
        let total = source.files.prefix { $0.number <= roi.upperBound }.count
        var scores = CDnetScores()
        var scoredFrames = 0
        var previousNumber: Int?
        for index in 0..<total {
            guard let frame = try source.next() else { break }
            if frame.number == previousNumber {
                throw EvaluationError.invalidSequence(path: sequence.inputFolder,
                                                      reason: "two input frames are numbered \(frame.number)")
            }
            previousNumber = frame.number
            let mask = try segment(frame)
            if roi.contains(frame.number) {
                let groundTruth = try sequence.groundTruth(frame: frame.number)
                guard mask.width == groundTruth.width, mask.height == groundTruth.height else {
                    throw EvaluationError.sizeMismatch(
                        what: "mask of frame \(frame.number)", width: mask.width, height: mask.height,
                        expectedWidth: groundTruth.width, expectedHeight: groundTruth.height)
                }
                try scores.accumulate(mask: mask, groundTruth: groundTruth, roi: sequence.roi)
                scoredFrames += 1
            }
            progress?(index + 1, total)
        }
        guard scoredFrames == roi.count else {
            throw EvaluationError.invalidSequence(
                path: sequence.inputFolder,
                reason: "holds \(scoredFrames) of the \(roi.count) frames of the temporal ROI "
                    + "\(roi.lowerBound)…\(roi.upperBound)")
        }
        return scores
    }
}
