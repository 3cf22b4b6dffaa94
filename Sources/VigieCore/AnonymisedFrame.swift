/// A frame in which every person-like region has been redacted: the only image type that can
/// leave Vigie (be encoded to JPEG, written to Y4M, attached to an event).
///
/// Only the anonymiser can create one (the initialiser is `package`), so the compiler refuses
/// any path that would encode or write a raw `Frame`.
public struct AnonymisedFrame: Sendable {
    /// The redacted pixels.
    package let frame: Frame

    /// Wraps pixels that have already been redacted. Package-only: the anonymiser's door.
    package init(redacted frame: Frame) { self.frame = frame }

    /// Width in pixels.
    public var width: Int { frame.width }
    /// Height in pixels.
    public var height: Int { frame.height }
    /// Capture time of the frame it was made from.
    public var timestamp: Timestamp { frame.timestamp }
    /// Number of the frame it was made from.
    public var number: Int { frame.number }
    /// Pixel format.
    public var format: PixelFormat { frame.format }
}

extension AnonymisedFrame: CustomStringConvertible, CustomReflectable {
    /// Geometry and time only.
    public var description: String { "AnonymisedFrame(\(width)x\(height), #\(number) at \(timestamp))" }
    /// Geometry and time only.
    public var customMirror: Mirror {
        Mirror(self, children: ["width": width, "height": height, "number": number, "timestamp": timestamp])
    }
}
