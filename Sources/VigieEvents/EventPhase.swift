/// Where an event stands in the life of its situation.
///
/// A situation (an intrusion by one track, a zone over its density threshold) raises one
/// `started` event, then `updated` events at most every `EventLifecycle.Configuration.updateInterval`
/// seconds while it lasts, then one `ended` event. All three carry the same `Event.id`.
public enum EventPhase: String, Codable, CaseIterable, Sendable, Hashable {
    /// The situation has just been confirmed: this is the alert.
    case started
    /// The situation goes on; measurements and objects are refreshed.
    case updated
    /// The situation is over; `Event.endTime` says when it was last seen.
    case ended
}
