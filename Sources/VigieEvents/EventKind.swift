/// Every kind of event Vigie can raise (DESIGN §1): a closed list, so a consumer can switch over it.
///
/// Eight kinds are those of the French 2023 experiment (law of 19 May 2023, decree 2023-828);
/// the others come from the regional request. Weapons are not a kind: no classical method
/// detects them (an integrator's own detector can feed the tracker; see `Detector`).
public enum EventKind: String, Codable, CaseIterable, Sendable, Hashable {
    /// Presence in a forbidden or sensitive zone.
    case intrusion
    /// Crossing a line, with a direction.
    case lineCrossed
    /// Movement against a zone's normal direction of traffic.
    case wrongWay
    /// An object left behind and static.
    case abandonedObject
    /// A watched static object taken away.
    case objectRemoved
    /// A person on the ground after a fall.
    case personDown
    /// Excessive density or occupancy of a zone.
    case densityExceeded
    /// Sudden crowd movement (running, dispersion).
    case crowdMovement
    /// Fire outbreak.
    case fire
    /// Smoke.
    case smoke
    /// Dwelling in a zone for too long.
    case loitering
    /// A thrown object.
    case projectile
    /// The camera is covered, moved, defocused, blinded or frozen.
    case tamper
}
