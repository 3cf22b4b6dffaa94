/// Why a CDnet sequence, one of its images, or a scoring step could not be used.
///
/// Every case names the file (or the thing) at fault and says why, so the message can go
/// straight to a user: `…/groundtruth/gt000470.png: invalid image: IDAT data ends early`.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or folder that should exist does not.
    case missingFile(path: String)
    /// A file that exists but could not be read (permissions, an I/O error, a folder in its place).
    case unreadableFile(path: String)
    /// A PNG or BMP that is malformed, truncated, or of a kind this module does not read.
    case invalidImage(path: String, reason: String)
    /// A sequence folder whose layout or `temporalROI.txt` is not what CDnet describes.
    case invalidSequence(path: String, reason: String)
    /// An annotation file (FURG fire XML) that is malformed.
    case invalidAnnotations(path: String, reason: String)
    /// Two images that must have the same size do not; `what` names the one at fault.
    case sizeMismatch(what: String, width: Int, height: Int, expectedWidth: Int, expectedHeight: Int)

    /// The message for users: the path or thing at fault, then the reason.
    public var description: String {
        switch self {
        case let .missingFile(path): "\(path): no such file or folder"
        case let .unreadableFile(path): "\(path): cannot read file"
        case let .invalidImage(path, reason): "\(path): invalid image: \(reason)"
        case let .invalidSequence(path, reason): "\(path): invalid CDnet sequence: \(reason)"
        case let .invalidAnnotations(path, reason): "\(path): invalid annotations: \(reason)"
        case let .sizeMismatch(what, width, height, expectedWidth, expectedHeight):
            "\(what) is \(width)x\(height), expected \(expectedWidth)x\(expectedHeight)"
        }
    }
}
