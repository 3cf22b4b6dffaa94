import VigieBlobs
import VigieCore

/// A background model followed by the standard mask cleanup: what `vigie motion` and
/// `vigie eval cdnet` run.
///
/// ```
/// frame ─▶ background model ─▶ 3x3 median ─▶ closing (radius 3) ─▶ hole filling ─▶ regions ≥ 15 px ─▶ mask
/// ```
///
/// The cleanup turns per-pixel decisions into object silhouettes: the median removes isolated
/// pixels (sensor noise, leaves), the closing joins an object's parts across low-contrast gaps
/// (a window, a coat the colour of the floor), hole filling fills what the closing enclosed, and
/// the area filter drops specks that survived.
public struct MotionPipeline: Stage {
    /// The background model.
    public var model: any BackgroundModel
    /// The cleanup applied to the model's mask.
    public var cleanup: MaskCleanup

    /// The standard cleanup: median, closing of radius 3, hole filling, regions of 15 pixels or more.
    public static var standardCleanup: MaskCleanup {
        MaskCleanup(median: true, opening: 0, closing: 3, fillHoles: true, minimumRegionArea: 15)
    }

    /// The cleanups `vigie motion --cleanup` and `vigie eval cdnet --cleanup` accept.
    public enum CleanupPreset: String, CaseIterable, Sendable {
        /// `standardCleanup`: median, closing 3, hole filling, regions ≥ 15 px.
        case standard
        /// Median, closing 1, regions ≥ 15 px: cheaper, for the low-power model.
        case light
        /// 3x3 median only.
        case median
        /// The model's raw mask.
        case none

        /// The cleanup stage of this preset.
        public var cleanup: MaskCleanup {
            switch self {
            case .standard: MotionPipeline.standardCleanup
            case .light: MaskCleanup(median: true, opening: 0, closing: 1, fillHoles: false, minimumRegionArea: 15)
            case .median: MaskCleanup(median: true)
            case .none: MaskCleanup(median: false)
            }
        }
    }

    /// A pipeline around `model`, with `cleanup` (the standard one by default).
    public init(model: any BackgroundModel, cleanup: MaskCleanup = MotionPipeline.standardCleanup) {
        self.model = model
        self.cleanup = cleanup
    }

    /// The cleaned foreground mask of one frame.
    /// - Throws: `FrameError` for a frame of another size or a timestamp that does not advance.
    public mutating func process(_ frame: Frame) throws -> Mask {
        try cleanup.process(model.process(frame))
    }
}
