import Foundation

/// A linear person model over HOG windows of 64x128 pixels: 3,780 weights (`HOGFeatures`'
/// layout) and a bias; a window scores `bias + weights · features`, and is a person where the
/// score is at least the detector's threshold (0 for a model trained as a linear SVM).
///
/// Vigie ships no trained model. The file is the integrator's: the classical pedestrian model of
/// Dalal & Triggs trained on INRIA Person, as OpenCV ships it, is written in this format by
/// `Benchmarks/opencv/export_hog_people_model.py`; any linear model trained on the same features
/// works.
public struct HOGPersonModel: Sendable, Equatable {
    /// Window size, pixels.
    public static let windowWidth = 64, windowHeight = 128
    /// Blocks across and down a window.
    static let blocksAcross = 7, blocksDown = 15
    /// Weights in a model.
    public static let length = blocksAcross * blocksDown * HOGFeatures.blockLength

    /// One weight per window value.
    public let weights: [Float]
    /// Added to every window's score.
    public let bias: Float

    /// Why a model file was refused.
    public enum LoadError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file cannot be read.
        case unreadable(path: String)
        /// A value that is not a finite number.
        case notANumber(path: String, value: String)
        /// Not 3,780 weights and a bias.
        case wrongCount(path: String, count: Int)

        public var description: String {
            switch self {
            case let .unreadable(path): "\(path): cannot read the person model"
            case let .notANumber(path, value): "\(path): \"\(value)\" is not a number"
            case let .wrongCount(path, count):
                "\(path): a HOG person model has \(HOGPersonModel.length) weights and a bias (\(HOGPersonModel.length + 1) numbers), found \(count)"
            }
        }
    }

    /// A model from its weights (3,780, in `HOGFeatures`' order) and bias.
    /// - Throws: `LoadError.wrongCount` (path `"<weights>"`) for another number of weights, and
    ///   `LoadError.notANumber` for a value that is not finite.
    public init(weights: [Float], bias: Float) throws(LoadError) {
        guard weights.count == Self.length else { throw .wrongCount(path: "<weights>", count: weights.count + 1) }
        if let bad = (weights + [bias]).first(where: { !$0.isFinite }) { throw .notANumber(path: "<weights>", value: "\(bad)") }
        self.weights = weights
        self.bias = bias
    }

    /// A model read from a text file of 3,781 numbers (the weights, then the bias) separated by
    /// white space or commas; lines starting with `#` are comments.
    /// - Throws: `LoadError`.
    public init(contentsOf path: String) throws(LoadError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        var numbers: [Float] = []
        numbers.reserveCapacity(Self.length + 1)
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            for field in line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\r" }) {
                guard let v = Float(field), v.isFinite else { throw .notANumber(path: path, value: String(field.prefix(40))) }
                numbers.append(v)
            }
        }
        guard numbers.count == Self.length + 1 else { throw .wrongCount(path: path, count: numbers.count) }
        weights = Array(numbers[0..<Self.length])
        bias = numbers[Self.length]
    }
}
