import Foundation
import VigieCore
import VigieEvents
import VigieIO

/// Writes anonymised JPEG snapshots for events and records their file names in the events.
///
/// File names come from event ids, which contain camera and rule ids chosen by whoever wrote the
/// scene file: every character outside `A–Z a–z 0–9 . _ -` becomes `_`, leading dots are removed
/// and the name is bounded, so no id can climb out of the folder (`../`), hide a file or name a
/// device. Only an `AnonymisedFrame` can be written.
public struct SnapshotSink {
    /// The folder the snapshots go to.
    public let directory: String
    /// JPEG quality, 1…100.
    public let quality: Int

    /// A sink writing into `directory` (created if missing).
    public init(directory: String, quality: Int = 85) throws(WriteError) {
        precondition((1...100).contains(quality), "JPEG quality must be 1...100, got \(quality)")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: directory, reason: "cannot create folder")
        }
        self.directory = directory
        self.quality = quality
    }

    /// A safe file name for an event's snapshot: `<sanitised id>-<phase>.jpg`.
    public static func fileName(for event: Event) -> String {
        "\(sanitise(event.id))-\(event.phase.rawValue).jpg"
    }

    /// `text` reduced to `A–Z a–z 0–9 . _ -`, without leading dots, at most 120 characters
    /// (never empty).
    public static func sanitise(_ text: String) -> String {
        var out = String(text.unicodeScalars.map { c -> Character in
            let safe = (c.value >= 48 && c.value <= 57) || (c.value >= 65 && c.value <= 90)
                || (c.value >= 97 && c.value <= 122) || c == "." || c == "_" || c == "-"
            return safe ? Character(c) : "_"
        })
        while out.hasPrefix(".") { out.removeFirst() }
        if out.count > 120 { out = String(out.prefix(120)) }
        return out.isEmpty ? "snapshot" : out
    }

    /// Writes `image` as the snapshot of `event` and returns the event with `snapshot` set to the
    /// file name (relative to `directory`).
    public func attach(_ image: AnonymisedFrame, to event: Event) throws(WriteError) -> Event {
        let name = Self.fileName(for: event)
        try JPEGFileWriter.write(image, to: directory + "/" + name, quality: quality)
        var out = event
        out.snapshot = name
        return out
    }
}
