/// Errors building or combining frames and planes from caller-supplied data.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A size that is zero or negative.
    case invalidSize(width: Int, height: Int)
    /// A pixel buffer whose length does not match the declared size.
    case pixelCountMismatch(expected: Int, got: Int)
    /// Planes whose sizes do not fit together (chroma must be ceil(w/2) x ceil(h/2) of luma).
    case planeSizeMismatch(plane: String, expectedWidth: Int, expectedHeight: Int, width: Int, height: Int)
    /// A frame whose size differs from the one a stage or stream was set up with.
    case frameSizeChanged(expectedWidth: Int, expectedHeight: Int, width: Int, height: Int)
    /// A timestamp not later than the previous frame's.
    case nonMonotonicTimestamp(previous: Timestamp, current: Timestamp)

    public var description: String {
        switch self {
        case let .invalidSize(w, h): "invalid frame size \(w)x\(h): both sides must be positive"
        case let .pixelCountMismatch(e, g): "pixel buffer holds \(g) bytes, expected \(e)"
        case let .planeSizeMismatch(p, ew, eh, w, h): "\(p) plane is \(w)x\(h), expected \(ew)x\(eh)"
        case let .frameSizeChanged(ew, eh, w, h): "frame size changed from \(ew)x\(eh) to \(w)x\(h)"
        case let .nonMonotonicTimestamp(p, c): "timestamp \(c) is not after the previous frame's \(p)"
        }
    }
}
