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

    /// Whether `onvifTopic` is a standard ONVIF topic (`tns1:`) rather than a Vigie one (`vigie:`).
    public var hasStandardONVIFTopic: Bool { onvifTopic.hasPrefix("tns1:") }
}
