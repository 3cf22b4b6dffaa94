/// Why a frame source could not open, or could not produce a frame.
///
/// Errors about one frame (`corruptFrame`, `frameSizeChanged`, `frameTooLarge`) are
/// *recoverable*: the source can go on with the next frame. The others end the stream.
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
    /// One frame is over the `DecodeLimits` (its size from its header, its scans, the memory
    /// libjpeg would need or its encoded bytes): refused before anything large was allocated for
    /// it; the stream goes on. `source` names the file (or the stream), `width` and `height` are
    /// the header's (0 when the refusal is not about the size).
    case frameTooLarge(source: String, frame: Int, width: Int, height: Int, reason: String)
    /// One frame has a different size from the first; the stream goes on without it.
    case frameSizeChanged(source: String, frame: Int, expected: String, got: String)
    /// The stream ended in the middle of a frame.
    case truncatedFrame(source: String, frame: Int, expectedBytes: Int, gotBytes: Int)
    /// Reading failed (an I/O error from the operating system).
    case readFailed(source: String, reason: String)

    /// Whether the source can go on with the next frame after this error.
    public var isRecoverable: Bool {
        switch self {
        case .corruptFrame, .frameSizeChanged, .frameTooLarge: true
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
        case let .frameTooLarge(source, frame, width, height, reason):
            width > 0 || height > 0
                ? "\(source): frame \(frame) refused: \(width)x\(height) is over the decode limits (\(reason))"
                : "\(source): frame \(frame) refused: over the decode limits (\(reason))"
        case let .frameSizeChanged(source, frame, expected, got):
            "\(source): frame \(frame) is \(got), but the stream started at \(expected)"
        case let .truncatedFrame(source, frame, expected, got):
            "\(source): frame \(frame) is truncated: \(got) of \(expected) bytes"
        case let .readFailed(source, reason): "\(source): read failed: \(reason)"
        }
    }
}

extension FrameSourceError {
    /// The source error for a JPEG that did not decode: `frameTooLarge` (naming `file`, the image's
    /// own file or stream) when a decode limit refused it, else `corruptFrame` of `source`.
    static func jpeg(_ error: JPEGError, source: String, frame: Int, file: String, reason: String? = nil)
        -> FrameSourceError
    {
        if let limit = error.limitExceeded {
            return .frameTooLarge(source: file, frame: frame, width: limit.width, height: limit.height,
                                  reason: limit.reason)
        }
        return .corruptFrame(source: source, frame: frame, reason: reason ?? error.message)
    }
}
