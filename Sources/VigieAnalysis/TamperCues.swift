import VigieCore

/// What is wrong with a camera's view at one frame.
///
/// The raw values are the `reason` of `tamper` events (`EventMeasurements.reason`), which also
/// choose the event's ONVIF topic (`EventKind.onvifTopic(reason:)`).
public enum TamperCondition: String, Sendable, Hashable, CaseIterable, Codable {
    /// Something close to the lens (a hand, a cloth, spray paint): the view turned nearly uniform,
    /// its contrast and sharpness far below what the camera learned.
    case covered
    /// The view jumped and stayed: the frame matches the learned view shifted by more than
    /// ``TamperDetector/Configuration/movedFraction`` of its size.
    case moved
    /// The view lost its fine detail (lens defocused, smeared, fogged) while its brightness and
    /// coarse structure stayed.
    case defocused
    /// The image is too dark to watch (mean luma below ``TamperDetector/Configuration/tooDarkLuma``).
    case tooDark
    /// The image is saturated (blinded by a torch or laser, or over-exposed).
    case tooBright
    /// The image stopped changing: consecutive frames identical below sensor noise (a replayed or
    /// frozen picture), for at least ``TamperDetector/Configuration/frozenAfter`` seconds.
    case frozen

    /// Priority when several hold at once, highest first: one reason is reported per frame.
    /// A saturated view is `tooBright` (it is uniform too, so also `covered`); a uniform black
    /// view is `covered` before `tooDark`; a still black view `tooDark` before `frozen`.
    public static let priority: [TamperCondition] = [.tooBright, .covered, .tooDark, .frozen, .defocused, .moved]
}

/// The camera's condition at one frame, with the measurements behind it: no pixels.
public struct TamperCues: Sendable, Hashable {
    /// Every condition that holds at this frame (before any duration threshold).
    public var conditions: Set<TamperCondition>
    /// Mean luma of the frame, 0…255.
    public var brightness: Double
    /// Whether the detector has learned the normal view (the conditions that compare with it —
    /// covered, defocused, moved — are only reported once it has).
    public var isReferenceLearned: Bool
    /// Sharpness (contrast-normalised gradient energy) divided by the learned normal sharpness;
    /// 1 for a normal view, near 0 when defocused or covered. Nil until the reference is learned.
    public var sharpnessRatio: Double?
    /// Standard deviation of the coarse image divided by the learned view's; near 0 when covered.
    /// Nil until the reference is learned.
    public var contrastRatio: Double?
    /// Correlation coefficient of the coarse image with the learned view, -1…1: near 1 for the
    /// normal view (whatever the lighting), near 0 when covered. Nil until the reference is learned.
    public var correlation: Double?
    /// Fraction of the coarse image that differs from the learned view (after compensating a
    /// global brightness change), 0…1. Nil until the reference is learned.
    public var changedFraction: Double?
    /// Fraction of the sampled rows' pixels the motion stage marked foreground, 0…1; nil when the
    /// motion stage gave no mask.
    public var foregroundFraction: Double?
    /// The view's shift against the learned view at the last shift check, frame pixels (x right,
    /// y down: the content seen at (x, y) was at (x + shiftX, y + shiftY)).
    public var shiftX: Double
    /// Vertical shift, frame pixels; see ``shiftX``.
    public var shiftY: Double
    /// The larger of |shiftX| / width and |shiftY| / height, 0…1.
    public var shiftFraction: Double
    /// Seconds the image has been identical to the previous frames (0 while it changes).
    public var frozenSeconds: Double

    /// Cues with the given conditions and measurements (all zero or nil by default).
    public init(conditions: Set<TamperCondition> = [], brightness: Double = 0, isReferenceLearned: Bool = false,
                sharpnessRatio: Double? = nil, contrastRatio: Double? = nil, correlation: Double? = nil,
                changedFraction: Double? = nil,
                foregroundFraction: Double? = nil, shiftX: Double = 0, shiftY: Double = 0, shiftFraction: Double = 0,
                frozenSeconds: Double = 0) {
        self.conditions = conditions
        self.brightness = brightness
        self.isReferenceLearned = isReferenceLearned
        self.sharpnessRatio = sharpnessRatio
        self.contrastRatio = contrastRatio
        self.correlation = correlation
        self.changedFraction = changedFraction
        self.foregroundFraction = foregroundFraction
        self.shiftX = shiftX
        self.shiftY = shiftY
        self.shiftFraction = shiftFraction
        self.frozenSeconds = frozenSeconds
    }

    /// Whether the view looks tampered with at this frame (any condition, before any duration threshold).
    public var tampered: Bool { !conditions.isEmpty }

    /// The condition to report: the first of ``TamperCondition/priority`` that holds; nil when
    /// the view is normal.
    public var primary: TamperCondition? { TamperCondition.priority.first(where: conditions.contains) }
}
