import Logging
import VigieCore

/// What kind of input a source reads.
public enum InputKind: String, Sendable, Codable {
    /// A folder of JPEG frames (`in000001.jpg` …).
    case jpegFolder = "jpeg-folder"
    /// One JPEG file.
    case jpegFile = "jpeg"
    /// A yuv4mpeg2 stream.
    case y4m
    /// Concatenated JPEG images (motion JPEG).
    case mjpeg
    /// Frames rendered by the scene simulator.
    case simulated
}

/// A source of frames: a plain iterator that throws typed errors.
///
/// After a *recoverable* error (`FrameSourceError.isRecoverable`: one corrupt frame, one frame of
/// the wrong size) the source is still usable and the next call returns the next frame. After an
/// unrecoverable error or `nil` the stream is over.
public protocol FrameSource {
    /// Where the frames come from (a path or `stdin`), for messages.
    var name: String { get }
    /// The kind of input.
    var kind: InputKind { get }
    /// The next frame, or nil at the end of the input.
    mutating func next() throws(FrameSourceError) -> Frame?
}

extension FrameSource {
    /// The next frame, skipping corrupt frames and reporting each skip to `report` and `logger`;
    /// throws only errors that end the stream.
    public mutating func nextSkippingCorruptFrames(
        logger: Logger? = nil, report: (FrameSourceError) -> Void = { _ in }
    ) throws(FrameSourceError) -> Frame? {
        while true {
            do {
                return try next()
            } catch where error.isRecoverable {
                logger?.warning("frame skipped", metadata: ["vigie.source": "\(name)", "vigie.reason": "\(error)"])
                report(error)
            }
        }
    }

    /// The frames as an `AsyncSequence` that skips corrupt frames (reporting them) and throws
    /// errors that end the stream.
    public func frames(logger: Logger? = nil,
                       report: @escaping (FrameSourceError) -> Void = { _ in }) -> FrameStream<Self> {
        FrameStream(source: self, logger: logger, report: report)
    }
}

/// An `AsyncSequence` over a `FrameSource`; see `FrameSource.frames(logger:report:)`.
///
/// Reading blocks the calling task while the source waits for bytes (a pipe, stdin), so give a
/// live stream its own task.
public struct FrameStream<Source: FrameSource>: AsyncSequence {
    public typealias Element = Frame
    let source: Source
    let logger: Logger?
    let report: (FrameSourceError) -> Void

    /// Iterates the frames.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: Source
        let logger: Logger?
        let report: (FrameSourceError) -> Void

        /// The next frame; corrupt frames are skipped and reported.
        public mutating func next() async throws(FrameSourceError) -> Frame? {
            try source.nextSkippingCorruptFrames(logger: logger, report: report)
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(FrameSourceError) -> Frame? {
            try source.nextSkippingCorruptFrames(logger: logger, report: report)
        }
    }

    /// An iterator from the start of the source.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source, logger: logger, report: report)
    }
}

/// Reduces a frame by DCT-like scaling (repeated 2x box downscale) for sources that hold raw pixels.
func applyScale(_ frame: Frame, _ scale: DCTScale) -> Frame {
    var out = frame
    var s = scale.rawValue
    while s > 1 {
        out = out.downscaled2x()
        s /= 2
    }
    return out
}
