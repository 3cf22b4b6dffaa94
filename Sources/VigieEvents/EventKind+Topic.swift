extension EventKind {
    /// The analytics topic an event of this kind is published under.
    ///
    /// Where ONVIF defines a topic for the situation (ONVIF Analytics Service, rule engine and
    /// video source topics) this is that topic, in the `tns1:` namespace, so a VMS that already
    /// understands ONVIF events can map Vigie alerts without a table of its own. The other
    /// kinds use a Vigie topic in the `vigie:` namespace built the same way
    /// (`vigie:RuleEngine/<Name>`).
    ///
    /// | kind | topic |
    /// |---|---|
    /// | `intrusion` | `tns1:RuleEngine/FieldDetector/ObjectsInside` |
    /// | `lineCrossed` | `tns1:RuleEngine/LineDetector/Crossed` |
    /// | `loitering` | `tns1:RuleEngine/LoiteringDetector/ObjectIsLoitering` |
    /// | `densityExceeded` | `tns1:RuleEngine/CountAggregation/OccupancyCounter` |
    /// | `tamper` | `tns1:VideoSource/GlobalSceneChange/ImagingService` |
    /// | every other kind | `vigie:RuleEngine/<Kind>`, e.g. `vigie:RuleEngine/WrongWay` |
    public var onvifTopic: String {
        switch self {
        case .intrusion: "tns1:RuleEngine/FieldDetector/ObjectsInside"
        case .lineCrossed: "tns1:RuleEngine/LineDetector/Crossed"
        case .loitering: "tns1:RuleEngine/LoiteringDetector/ObjectIsLoitering"
        case .densityExceeded: "tns1:RuleEngine/CountAggregation/OccupancyCounter"
        case .tamper: "tns1:VideoSource/GlobalSceneChange/ImagingService"
        case .wrongWay: "vigie:RuleEngine/WrongWay"
        case .abandonedObject: "vigie:RuleEngine/AbandonedObject"
        case .objectRemoved: "vigie:RuleEngine/ObjectRemoved"
        case .personDown: "vigie:RuleEngine/PersonDown"
        case .crowdMovement: "vigie:RuleEngine/CrowdMovement"
        case .fire: "vigie:RuleEngine/Fire"
        case .smoke: "vigie:RuleEngine/Smoke"
        case .projectile: "vigie:RuleEngine/Projectile"
        }
    }

    /// The topic of an event of this kind raised for `reason` (`EventMeasurements.reason`).
    ///
    /// Only `tamper` depends on the reason, because ONVIF gives each camera condition its own
    /// video-source topic:
    ///
    /// | tamper reason | topic |
    /// |---|---|
    /// | `defocused` | `tns1:VideoSource/ImageTooBlurry/ImagingService` |
    /// | `tooDark` | `tns1:VideoSource/ImageTooDark/ImagingService` |
    /// | `tooBright` | `tns1:VideoSource/ImageTooBright/ImagingService` |
    /// | `covered`, `moved`, `frozen`, none | `tns1:VideoSource/GlobalSceneChange/ImagingService` |
    ///
    /// Every other kind: ``onvifTopic``, whatever the reason.
    public func onvifTopic(reason: String?) -> String {
        guard self == .tamper else { return onvifTopic }
        switch reason {
        case "defocused": return "tns1:VideoSource/ImageTooBlurry/ImagingService"
        case "tooDark": return "tns1:VideoSource/ImageTooDark/ImagingService"
        case "tooBright": return "tns1:VideoSource/ImageTooBright/ImagingService"
        default: return onvifTopic
        }
    }

    /// Every topic an event can carry: each kind's ``onvifTopic`` and the condition topics of
    /// `tamper` (``onvifTopic(reason:)``).
    public static var allTopics: Set<String> {
        Set(allCases.map(\.onvifTopic)).union(
            ["defocused", "tooDark", "tooBright"].map { EventKind.tamper.onvifTopic(reason: $0) })
    }

    /// Whether `onvifTopic` is a standard ONVIF topic (`tns1:`) rather than a Vigie one (`vigie:`).
    public var hasStandardONVIFTopic: Bool { onvifTopic.hasPrefix("tns1:") }
}
