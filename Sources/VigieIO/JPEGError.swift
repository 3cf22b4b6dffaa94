/// A JPEG could not be decoded or encoded. The message is libjpeg-turbo's own.
public struct JPEGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done: `decode`, `read header`, `encode`.
    public var operation: String
    /// libjpeg-turbo's message (for example `Premature end of JPEG file`).
    public var message: String
    /// Where the bytes came from (a file path, `stdin frame 12`), when known.
    public var source: String?
    /// Set when the image was refused by `DecodeLimits` (its size from the header, its scans,
    /// the memory libjpeg would need) rather than found corrupt; nothing large was allocated.
    public var limitExceeded: DecodeLimitExceeded?

    /// An error from its parts.
    public init(operation: String, message: String, source: String? = nil, limitExceeded: DecodeLimitExceeded? = nil) {
        self.operation = operation
        self.message = message
        self.source = source
        self.limitExceeded = limitExceeded
    }

    /// The same error, saying where the bytes came from.
    public func at(_ source: String) -> JPEGError {
        JPEGError(operation: operation, message: message, source: source, limitExceeded: limitExceeded)
    }

    /// `JPEG decode failed (in000012.jpg): Premature end of JPEG file`.
    public var description: String {
        "JPEG \(operation) failed\(source.map { " (\($0))" } ?? ""): \(message)"
    }
}
