import VigieCore
import VigieKernels

/// The default background model: a per-pixel adaptive model on luma and chroma with shadow
/// suppression, ghost removal and relearning after sudden global changes.
///
/// For each pixel it keeps a background luma and a mean absolute deviation (8.8 fixed point),
/// and for each chroma pixel a background Cb and Cr. A pixel is foreground when
///
/// - its luma differs from the background by more than `deviationScale` times its own mean
///   deviation (clamped to `thresholdRange`): per-pixel adaptive thresholds, so swaying leaves
///   and flickering lights, which have a large deviation, need a larger change; or
/// - its chroma differs by more than `chromaThreshold` (|ΔCb| + |ΔCr|), which catches objects
///   of the same brightness as the background;
///
/// unless it is a *shadow*: darker than the background by a ratio within `shadowRatio` with
/// stable chroma, and keeping the background's texture (the edge energy of the 3x3 window
/// around it is the background's scaled by its darkness, `shadowTextureContrast`: a dark car or
/// coat passes the brightness test of a shadow but brings its own edges). Background pixels
/// learn at `backgroundRate`, foreground pixels at the much slower `foregroundRate`, and a pixel foreground for more than `absorbAfter` seconds is a
/// *ghost* (background that changed, or a removed object) and learns at the background rate.
/// When more than `globalChangeFraction` of the frame turns foreground at once, the frame is
/// flagged (`sawGlobalChange`) and the model relearns quickly, as at start-up.
public struct AdaptiveBackground: BackgroundModel {
    /// Settings; defaults are chosen for transport and school cameras (people, vehicles,
    /// shadows, light changes), not for one sequence.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Threshold as a multiple of a pixel's mean absolute deviation. Default 3.5.
        public var deviationScale: Double = 3.5
        /// Lowest and highest luma threshold, in levels (0…255). Default 10…48: below 10 JPEG and
        /// sensor noise show through; above 48 a dark coat on grey concrete would be missed.
        public var thresholdRange: ClosedRange<Int> = 10...48
        /// Chroma distance |ΔCb| + |ΔCr| above which a pixel is foreground, levels. Default 14.
        public var chromaThreshold: Int = 12
        /// Luma / background ratio range of a shadow. Default 0.45…0.93.
        public var shadowRatio: ClosedRange<Double> = 0.45...0.93
        /// Largest chroma distance of a shadow, levels. Default 8.
        public var shadowChromaTolerance: Int = 8
        /// Shadow texture test: a pixel that passes the brightness and chroma tests of a shadow
        /// is foreground all the same when the edge energy of the 3x3 window around it differs
        /// from the background's (scaled by the window's darkness) by more than this fraction of
        /// their sum: a shadow keeps the ground's texture, a dark object brings its own edges or
        /// hides the ground's. Default 0.4 (one edge energy more than 2.3 times the other);
        /// `nil` turns the test off (every such pixel is shadow).
        public var shadowTextureContrast: Double? = 0.4
        /// How fast the background of background pixels follows the scene, levels per second
        /// (each frame moves it by at most this times the frame interval). Default 10.
        public var backgroundSpeed: Double = 10
        /// How fast foreground and shadow pixels are absorbed, levels per second. Default 0.25.
        public var foregroundSpeed: Double = 0.25
        /// How fast the per-pixel deviation follows, levels per second. Default 4.
        public var deviationSpeed: Double = 4
        /// Learning speed while warming up, levels per second. Default 120.
        public var warmUpSpeed: Double = 120
        /// Seconds after which a pixel that stays foreground is absorbed (ghost removal). Default 8 s.
        public var absorbAfter: Double = 8
        /// Seconds of start-up learning before masks are reliable. Default 2 s.
        public var warmUp: Double = 2
        /// Foreground fraction of the frame that flags a sudden global change. Default 0.6.
        public var globalChangeFraction: Double = 0.6
        /// Ghost dissolution (`dissolveIfGhost`): a region is a ghost when the frame's edges along
        /// its contour add up to less than this fraction of the background's, which must show a
        /// clear contour (`ghostContourContrast`). Default 0.5; nil turns it off.
        public var ghostEdgeRatio: Double? = 0.35
        /// Mean gradient of the background along a region's contour, levels, below which the
        /// background shows no contour there and the region is not judged a ghost. Default 16.
        public var ghostContourContrast: Double = 24

        /// The defaults.
        public init() {}
    }

    /// `adaptive`.
    public static let name = "adaptive"
    /// The settings in use.
    public let configuration: Configuration
    /// True once the warm-up time has passed since the first frame or the last global change.
    public private(set) var isWarm = false
    /// True when the last frame was flagged as a sudden global change.
    public private(set) var sawGlobalChange = false

    private var width = 0, height = 0
    private var backgroundY: [UInt16] = [], deviationY: [UInt16] = [], foregroundFrames: [UInt16] = []
    private var backgroundCb: [UInt16] = [], backgroundCr: [UInt16] = []
    private var chromaWide: [UInt8] = []
    private var envelopeMin = Plane(width: 1, height: 1), envelopeMax = Plane(width: 1, height: 1)
    private var envelopeScratch: [UInt8] = []
    private var mask = Mask(width: 1, height: 1)
    private var clock = FrameClock()
    private var learningFrames = 0
    /// Whether a dissolved ghost changed the background since the envelope was computed.
    private var envelopeIsStale = false

    /// A model with the given settings; state is allocated at the first frame.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// A speed in levels per second as a per-frame step in 8.8 fixed point (at least 1).
    private func step(_ levelsPerSecond: Double) -> UInt16 {
        UInt16(clamping: max(1, Int((levelsPerSecond * clock.interval * 256).rounded())))
    }

    private func parameters() -> AdaptiveParameters {
        let c = configuration
        return AdaptiveParameters(
            deviationScale16: UInt16(min(4095, max(1, (c.deviationScale * 16).rounded()))),
            minimumThreshold: UInt16(clamping: c.thresholdRange.lowerBound),
            maximumThreshold: UInt16(clamping: c.thresholdRange.upperBound),
            chromaThreshold: UInt16(clamping: c.chromaThreshold),
            shadowLow: UInt16(clamping: Int(c.shadowRatio.lowerBound * 256)),
            shadowHigh: UInt16(clamping: Int(c.shadowRatio.upperBound * 256)),
            shadowChroma: UInt16(clamping: c.shadowChromaTolerance),
            backgroundStep: step(c.backgroundSpeed), foregroundStep: step(c.foregroundSpeed),
            deviationStep: step(c.deviationSpeed),
            absorbAfterFrames: UInt16(clamping: clock.frames(for: c.absorbAfter)),
            marksShadowCandidates: c.shadowTextureContrast != nil)
    }

    /// Classifies one frame and updates the model.
    /// - Returns: the foreground mask at the frame's resolution.
    /// - Throws: `FrameError.frameSizeChanged` or `.nonMonotonicTimestamp`.
    public mutating func process(_ frame: Frame) throws(FrameError) -> Mask {
        if backgroundY.isEmpty {
            try clock.tick(frame.timestamp)
            start(with: frame)
            return mask
        }
        guard frame.width == width, frame.height == height else {
            throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: frame.width, height: frame.height)
        }
        try clock.tick(frame.timestamp)
        var p = parameters()
        let learning = learningFrames < clock.frames(for: configuration.warmUp)
        if learning {
            let fast = step(configuration.warmUpSpeed)
            (p.backgroundStep, p.foregroundStep, p.deviationStep) = (fast, fast, max(p.deviationStep, fast / 4))
        }
        var set = 0
        let (width, height) = (self.width, self.height)
        // The background moves by a few levels a second, so its envelope is refreshed every
        // fourth frame (every frame while learning fast).
        if learning || clock.frames % 4 == 0 || envelopeIsStale { updateEnvelope() }
        envelopeIsStale = false
        let envelopeMin = self.envelopeMin, envelopeMax = self.envelopeMax
        // Move the state out of self for the loop (no copy: each buffer stays uniquely owned).
        var mask = self.mask, backgroundY = self.backgroundY, deviationY = self.deviationY
        var foregroundFrames = self.foregroundFrames, backgroundCb = self.backgroundCb
        var backgroundCr = self.backgroundCr, chromaWide = self.chromaWide
        self.backgroundY = []
        self.deviationY = []
        self.foregroundFrames = []
        self.backgroundCb = []
        self.backgroundCr = []
        self.chromaWide = []
        self.mask = .placeholder
        defer {
            self.mask = mask
            self.backgroundY = backgroundY
            self.deviationY = deviationY
            self.foregroundFrames = foregroundFrames
            self.backgroundCb = backgroundCb
            self.backgroundCr = backgroundCr
            self.chromaWide = chromaWide
        }
        let shadowTexture = configuration.shadowTextureContrast.map {
            ShadowTextureParameters(contrast256: Int32(min(65536, max(0, ($0 * 256).rounded()))), floor: 18)
        }
        // Every view and buffer is opened once per frame, not once per row.
        mask.withMutablePixels { out in
            frame.luma.withView { luma in
                envelopeMin.withView { lo in
                    envelopeMax.withView { hi in
                        withChromaViews(of: frame) { cb, cr in
                            backgroundY.withUnsafeMutableBufferPointer { bg in
                                deviationY.withUnsafeMutableBufferPointer { dev in
                                    foregroundFrames.withUnsafeMutableBufferPointer { counts in
                                        backgroundCb.withUnsafeMutableBufferPointer { bcb in
                                            backgroundCr.withUnsafeMutableBufferPointer { bcr in
                                                chromaWide.withUnsafeMutableBufferPointer { wide in
                                                    let rows = FrameRows(
                                                        luma: luma, cb: cb, cr: cr, envelopeMin: lo, envelopeMax: hi,
                                                        background: bg.baseAddress!, deviation: dev.baseAddress!,
                                                        counts: counts.baseAddress!, backgroundCb: bcb.baseAddress!,
                                                        backgroundCr: bcr.baseAddress!, chromaWide: wide.baseAddress!, mask: out)
                                                    set = Self.classify(rows, p, shadowTexture: shadowTexture)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        learningFrames += 1
        sawGlobalChange = Double(set) > configuration.globalChangeFraction * Double(width * height)
        if sawGlobalChange && !learning {
            learningFrames = 0  // relearn quickly, as at start-up
        }
        isWarm = learningFrames >= clock.frames(for: configuration.warmUp)
        return mask
    }

    /// What one frame's pass reads and writes, opened once per frame.
    private struct FrameRows {
        let luma: ImageView, cb: ImageView?, cr: ImageView?, envelopeMin: ImageView, envelopeMax: ImageView
        let background: UnsafeMutablePointer<UInt16>, deviation: UnsafeMutablePointer<UInt16>
        let counts: UnsafeMutablePointer<UInt16>
        let backgroundCb: UnsafeMutablePointer<UInt16>, backgroundCr: UnsafeMutablePointer<UInt16>
        let chromaWide: UnsafeMutablePointer<UInt8>
        let mask: MutableImageView
    }

    /// Classifies every row and updates the model; returns the number of foreground pixels.
    /// With the texture test on, row y's shadow candidates are resolved once row y + 2 is
    /// classified (their windows and forward differences reach it), and a row's shadow marks are
    /// cleared once the row below it is resolved; with it off, the kernel marks no candidates.
    private static func classify(_ f: FrameRows, _ p: AdaptiveParameters, shadowTexture: ShadowTextureParameters?) -> Int {
        let width = f.luma.width, height = f.luma.height
        let cw = (width + 1) / 2
        var set = 0
        var marksPending = false  // whether the last resolved row holds shadow marks to clear
        func resolve(_ y: Int, _ texture: ShadowTextureParameters) {
            let resolved = resolveShadowRow(y: y, luma: f.luma, background: f.background, mask: f.mask,
                                            foregroundFrames: f.counts + y * width, texture)
            set &+= resolved.objects
            if marksPending { finishShadowRow(f.mask.row(y - 1), width: width) }
            marksPending = resolved.candidates > resolved.objects
        }
        for y in 0..<height {
            let cy = y >> 1
            if y & 1 == 0, let cb = f.cb, let cr = f.cr {
                chromaRow(cb: cb.row(cy), cr: cr.row(cy), backgroundCb: f.backgroundCb + cy * cw,
                          backgroundCr: f.backgroundCr + cy * cw, out: f.chromaWide, width: cw)
            }
            let o = y * width
            set &+= adaptiveRow(luma: f.luma.row(y), chromaWide: f.chromaWide, envelopeMin: f.envelopeMin.row(y),
                                envelopeMax: f.envelopeMax.row(y), background: f.background + o,
                                deviation: f.deviation + o, foregroundFrames: f.counts + o, mask: f.mask.row(y),
                                width: width, p)
            if y >= 2, let texture = shadowTexture { resolve(y - 2, texture) }
            if y & 1 == 1 || y == height - 1, let cb = f.cb, let cr = f.cr {
                chromaUpdateRow(cb: cb.row(cy), cr: cr.row(cy), backgroundCb: f.backgroundCb + cy * cw,
                                backgroundCr: f.backgroundCr + cy * cw, lumaMask: f.mask.row(y & ~1), width: cw,
                                backgroundStep: Int32(p.backgroundStep), foregroundStep: Int32(p.foregroundStep))
            }
        }
        if let texture = shadowTexture {
            for y in max(0, height - 2)..<height { resolve(y, texture) }
        }
        if marksPending { finishShadowRow(f.mask.row(height - 1), width: width) }
        return set
    }

    /// Recomputes the 3x3 background envelope (min and max around each pixel).
    private mutating func updateEnvelope() {
        let (width, height) = (self.width, self.height)
        var lo = envelopeMin, hi = envelopeMax, scratch = envelopeScratch
        envelopeMin = .placeholder
        envelopeMax = .placeholder
        envelopeScratch = []
        backgroundY.withUnsafeBufferPointer { bg in
            lo.withMutableView { lo in
                hi.withMutableView { hi in
                    scratch.withUnsafeMutableBufferPointer { s in
                        backgroundEnvelope(bg.baseAddress!, width: width, height: height, minimum: lo, maximum: hi,
                                           scratch: s.baseAddress!)
                    }
                }
            }
        }
        (envelopeMin, envelopeMax, envelopeScratch) = (lo, hi, scratch)
    }

    private mutating func start(with frame: Frame) {
        width = frame.width
        height = frame.height
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        let initialDeviation = UInt16(configuration.thresholdRange.lowerBound) << 8 / 3
        backgroundY = [UInt16](repeating: 0, count: width * height)
        deviationY = [UInt16](repeating: initialDeviation, count: width * height)
        foregroundFrames = [UInt16](repeating: 0, count: width * height)
        backgroundCb = [UInt16](repeating: 128 << 8, count: cw * ch)
        backgroundCr = [UInt16](repeating: 128 << 8, count: cw * ch)
        chromaWide = [UInt8](repeating: 0, count: 2 * cw + 64)
        envelopeMin = Plane(width: width, height: height)
        envelopeMax = Plane(width: width, height: height)
        envelopeScratch = [UInt8](repeating: 0, count: 7 * width + 64)
        mask = Mask(width: width, height: height)
        frame.luma.withView { luma in
            for y in 0..<height { for x in 0..<width { backgroundY[y * width + x] = UInt16(luma[x, y]) << 8 } }
        }
        if let cb = frame.cb, let cr = frame.cr {
            cb.withView { v in for y in 0..<ch { for x in 0..<cw { backgroundCb[y * cw + x] = UInt16(v[x, y]) << 8 } } }
            cr.withView { v in for y in 0..<ch { for x in 0..<cw { backgroundCr[y * cw + x] = UInt16(v[x, y]) << 8 } } }
        }
        learningFrames = 1
        isWarm = false
    }
}

// MARK: - Ghosts

extension AdaptiveBackground {
    /// Calls `body` with the background luma (8.8 fixed point, a row of `width` values). Package-only:
    /// the background is a raw image of the scene.
    package func backgroundLuma<R>(_ body: (UnsafeBufferPointer<UInt16>) -> R) -> R {
        backgroundY.withUnsafeBufferPointer(body)
    }

    /// Whether the region of `mask` inside `box` is a ghost (see `BackgroundModel`): along its
    /// contour the background shows a clear edge (mean gradient at least `ghostContourContrast`)
    /// and the frame less than `ghostEdgeRatio` of it. A ghost's pixels (the set pixels of `mask`
    /// in `box`) take the frame's luma and chroma as background, and their foreground time starts
    /// again. A person standing still is not a ghost (the frame has their contour, even once the
    /// model has learnt them); nor is a bag left behind.
    public mutating func dissolveIfGhost(_ box: PixelRect, of mask: Mask, in frame: Frame) -> Bool {
        guard let ratio = configuration.ghostEdgeRatio, isWarm, frame.width == width, frame.height == height,
              mask.width == width, mask.height == height else { return false }
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(width, box.x + box.width), y1 = min(height, box.y + box.height)
        guard x0 < x1, y0 < y1 else { return false }
        let box = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        let edges = mask.plane.withView { m in
            frame.luma.withView { f in
                backgroundY.withUnsafeBufferPointer { contourEdges(mask: m, frame: f, background: $0, box: box) }
            }
        }
        guard edges.pixels >= 12,
              Double(edges.background) >= configuration.ghostContourContrast * Double(edges.pixels),
              Double(edges.frame) < ratio * Double(edges.background) else { return false }
        let w = width, cw = (width + 1) / 2
        mask.plane.withView { m in
            frame.luma.withView { f in
                for y in box.y..<(box.y + box.height) {
                    for x in box.x..<(box.x + box.width) where m[x, y] >= 128 {
                        backgroundY[y * w + x] = UInt16(f[x, y]) << 8
                        foregroundFrames[y * w + x] = 0
                    }
                }
            }
            guard let cb = frame.cb, let cr = frame.cr else { return }
            cb.withView { b in
                cr.withView { r in
                    for y in box.y..<(box.y + box.height) {
                        for x in box.x..<(box.x + box.width) where m[x, y] >= 128 {
                            backgroundCb[(y / 2) * cw + x / 2] = UInt16(b[x / 2, y / 2]) << 8
                            backgroundCr[(y / 2) * cw + x / 2] = UInt16(r[x / 2, y / 2]) << 8
                        }
                    }
                }
            }
        }
        envelopeIsStale = true
        return true
    }
}
