/// Why a frame source could not open, or could not produce a frame.
///
/// Errors about one frame (`corruptFrame`, `frameSizeChanged`) are *recoverable*: the source
/// can go on with the next frame. The others end the stream.
public enum FrameSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not exist or could not be opened.
    case cannotOpen(path: String, reason: String)
    /// A folder with no `.jpg`/`.jpeg` file in it.
    case emptyFolder(path: String)
    /// An input whose kind could not be recognised (extension or first bytes).
    case unrecognisedInput(path: String, reason: String)
    /// A stream header that is malformed or describes something Vigie does not read
    /// (for example a Y4M colour space other than 4:2:0 or mono).
    case invalidHeader(source: String, reason: String)
    /// One frame could not be decoded; the stream goes on.
    case corruptFrame(source: String, frame: Int, reason: String)
    /// One frame has a different size from the first; the stream goes on without it.
    case frameSizeChanged(source: String, frame: Int, expected: String, got: String)
    /// The stream ended in the middle of a frame.
    case truncatedFrame(source: String, frame: Int, expectedBytes: Int, gotBytes: Int)
    /// Reading failed (an I/O error from the operating system).
    case readFailed(source: String, reason: String)

    /// Whether the source can go on with the next frame after this error.
    public var isRecoverable: Bool {
        switch self {
        case .corruptFrame, .frameSizeChanged: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open \(path): \(reason)"
        case let .emptyFolder(path): "\(path): folder holds no JPEG frame (.jpg or .jpeg)"
        case let .unrecognisedInput(path, reason): "\(path): unrecognised input: \(reason)"
        case let .invalidHeader(source, reason): "\(source): invalid header: \(reason)"
        case let .corruptFrame(source, frame, reason): "\(source): frame \(frame) is corrupt: \(reason)"
        case let .frameSizeChanged(source, frame, expected, got):
            "\(source): frame \(frame) is \(got), but the stream started at \(expected)"
        case let .truncatedFrame(source, frame, expected, got):
            "\(source): frame \(frame) is truncated: \(got) of \(expected) bytes"
        case let .readFailed(source, reason): "\(source): read failed: \(reason)"
        }
    }
}
