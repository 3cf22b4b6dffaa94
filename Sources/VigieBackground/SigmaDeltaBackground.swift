import VigieCore
import VigieKernels

/// The fast, low-power background model: sigma-delta estimation (Manzanera and Richefeu) on
/// luma and chroma, three bytes of state per pixel and byte-only arithmetic.
///
/// Each frame, the background moves one level toward the frame and the variance estimate one
/// level toward four times the difference; a pixel is foreground when its difference exceeds its
/// variance (clamped to `varianceRange`), or when its chroma distance exceeds `chromaThreshold`.
/// It has no shadow model and adapts at one level per frame, so it suits static indoor scenes and
/// low-power devices; `AdaptiveBackground` is the accurate default.
public struct SigmaDeltaBackground: BackgroundModel {
    /// Settings.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Clamp of the per-pixel variance, in levels. Default 12…80.
        public var varianceRange: ClosedRange<Int> = 12...80
        /// Chroma distance |ΔCb| + |ΔCr| above which a pixel is foreground, levels. Default 16.
        public var chromaThreshold: Int = 16
        /// Seconds before masks are reliable. Default 2 s.
        public var warmUp: Double = 2
        /// The defaults.
        public init() {}
    }

    /// `sigma-delta`.
    public static let name = "sigma-delta"
    /// The settings in use.
    public let configuration: Configuration
    /// True once the warm-up time has passed.
    public private(set) var isWarm = false
    /// True when more than 60 % of the last frame was foreground.
    public private(set) var sawGlobalChange = false

    private var width = 0, height = 0
    private var background = Plane(width: 1, height: 1), variance = Plane(width: 1, height: 1)
    private var backgroundCb = Plane(width: 1, height: 1), backgroundCr = Plane(width: 1, height: 1)
    private var chromaWide: [UInt8] = []
    private var mask = Mask(width: 1, height: 1)
    private var clock = FrameClock()
    private var started = false

    /// A model with the given settings; state is allocated at the first frame.
    public init(_ configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Classifies one frame and updates the model.
    /// - Throws: `FrameError.frameSizeChanged` or `.nonMonotonicTimestamp`.
    public mutating func process(_ frame: Frame) throws(FrameError) -> Mask {
        try clock.tick(frame.timestamp)
        if !started {
            started = true
            width = frame.width
            height = frame.height
            background = frame.luma
            background.withMutableView { _ in }  // own a private copy
            variance = Plane(width: width, height: height, filledWith: UInt8(clamping: configuration.varianceRange.lowerBound))
            backgroundCb = frame.cb ?? Plane(width: (width + 1) / 2, height: (height + 1) / 2, filledWith: 128)
            backgroundCr = frame.cr ?? Plane(width: (width + 1) / 2, height: (height + 1) / 2, filledWith: 128)
            backgroundCb.withMutableView { _ in }
            backgroundCr.withMutableView { _ in }
            chromaWide = [UInt8](repeating: 0, count: 2 * ((width + 1) / 2) + 64)
            mask = Mask(width: width, height: height)
            return mask
        }
        guard frame.width == width, frame.height == height else {
            throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: frame.width, height: frame.height)
        }
        let vMin = UInt8(clamping: configuration.varianceRange.lowerBound)
        let vMax = UInt8(clamping: configuration.varianceRange.upperBound)
        let cThreshold = UInt8(clamping: configuration.chromaThreshold)
        let cw = (width + 1) / 2
        var set = 0
        let (width, height) = (self.width, self.height)
        var mask = self.mask, background = self.background, variance = self.variance
        var backgroundCb = self.backgroundCb, backgroundCr = self.backgroundCr, chromaWide = self.chromaWide
        let placeholder = Plane.placeholder
        (self.background, self.variance, self.backgroundCb, self.backgroundCr) = (placeholder, placeholder, placeholder, placeholder)
        self.chromaWide = []
        self.mask = .placeholder
        defer {
            (self.background, self.variance, self.backgroundCb, self.backgroundCr) = (background, variance, backgroundCb, backgroundCr)
            self.chromaWide = chromaWide
            self.mask = mask
        }
        mask.withMutablePixels { out in
            background.withMutableView { m in
                variance.withMutableView { v in
                    backgroundCb.withMutableView { mcb in
                        backgroundCr.withMutableView { mcr in
                            chromaWide.withUnsafeMutableBufferPointer { wide in
                                frame.luma.withView { luma in
                                    withChromaViews(of: frame) { cb, cr in
                                        for y in 0..<height {
                                            if y & 1 == 0, let cb, let cr {
                                                sigmaDeltaChromaRow(cb: cb.row(y >> 1), cr: cr.row(y >> 1),
                                                                    backgroundCb: mcb.row(y >> 1),
                                                                    backgroundCr: mcr.row(y >> 1),
                                                                    out: wide.baseAddress!, width: cw)
                                            }
                                            sigmaDeltaRow(luma.row(y), chromaWide: wide.baseAddress!, background: m.row(y),
                                                          variance: v.row(y), mask: out.row(y), width: width,
                                                          minimumVariance: vMin, maximumVariance: vMax,
                                                          chromaThreshold: cThreshold)
                                            set &+= countSet(out.row(y), width)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        sawGlobalChange = Double(set) > 0.6 * Double(width * height)
        isWarm = clock.frames >= clock.frames(for: configuration.warmUp)
        return mask
    }
}
