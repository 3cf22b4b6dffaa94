import VigieBackground
import VigieCore
import VigieKernels
import VigieRules
import VigieTracking

/// How the anonymiser redacts the regions where people are.
public enum AnonymisationMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// The default: people become flat grey silhouettes (the redaction region: what differs from the
    /// empty scene, dilated by a small margin). No pixel of a person survives, so nothing can be
    /// re-identified from the image.
    case silhouette
    /// Coarse pixelation: blocks of at least max(8 px, tallest object height / 6). Keeps colour and
    /// posture; pixelated faces are known to be re-identifiable, so this is an option, not the default.
    case pixelate
    /// A strong blur: a separable box blur of radius at least max(8 px, tallest object height / 8),
    /// three passes (close to a Gaussian of that standard deviation).
    case blur
}

/// What the anonymiser needs to redact one frame.
///
/// Holds a raw frame and a mask, so it describes and reflects geometry and flags only.
public struct AnonymiserInput: Sendable {
    /// The frame to anonymise.
    public var frame: Frame
    /// Its foreground mask (255 where something differs from the background model), same size as `frame`.
    public var foreground: Mask
    /// The live tracks (boxes in pixels of `frame`); every state but `ended` is redacted, moving or still.
    public var tracks: [Track]
    /// Whether the background model is warm; while it is not, the whole frame is redacted.
    public var isWarm: Bool
    /// Whether the model saw a sudden global change (light, tamper); if so the whole frame is redacted.
    public var globalChange: Bool

    /// An input from its parts.
    public init(frame: Frame, foreground: Mask, tracks: [Track], isWarm: Bool, globalChange: Bool) {
        self.frame = frame
        self.foreground = foreground
        self.tracks = tracks
        self.isWarm = isWarm
        self.globalChange = globalChange
    }

    /// An input whose flags come from the background model that produced `foreground`.
    public init(frame: Frame, foreground: Mask, tracks: [Track], model: any BackgroundModel) {
        self.init(frame: frame, foreground: foreground, tracks: tracks, isWarm: model.isWarm,
                  globalChange: model.sawGlobalChange)
    }
}

extension AnonymiserInput: CustomStringConvertible, CustomReflectable {
    /// Geometry and flags only.
    public var description: String {
        "AnonymiserInput(\(frame.width)x\(frame.height), \(tracks.count) tracks, warm: \(isWarm), global change: \(globalChange))"
    }
    /// Geometry and flags only, never pixels.
    public var customMirror: Mirror {
        Mirror(self, children: ["width": frame.width, "height": frame.height, "tracks": tracks.count,
                                "isWarm": isWarm, "globalChange": globalChange])
    }
}

/// The stage that makes `AnonymisedFrame`s, the only images that may leave Vigie (DESIGN §3).
///
/// The anonymiser keeps its own long-term image of the *empty scene*, learnt only where the
/// redaction region says "no one" (so a person who stands still, absorbed by the motion model, never
/// enters it). Its region seed is the foreground mask ∪ the *static difference* (every pixel that
/// differs from the empty scene by more than `staticDifferenceThreshold`) ∪, where the empty scene is
/// not known yet, the pixels that changed since the previous frame. The seed is dilated by a small
/// margin (`marginFraction`) where the empty scene is known and by a wide one
/// (`unknownMarginFraction`) where it is not; a live track's box is redacted whole when it reaches
/// pixels whose empty scene is not known (a detector's box widened by `detectionMarginFraction`). So a person who stands still stays redacted after the motion
/// model has absorbed them and the tracker has let them go (and so does any lasting change of the
/// scene, such as a parked car, until the next global change; a release policy is future work), and
/// the redaction stays close to the people's true area. Static privacy masks are filled opaque black
/// in every output. It **fails closed**: while the model is not warm, on a global change, or when
/// the foreground covers more than `maximumForegroundCoverage` of the frame (an unreliable mask), the
/// whole frame is flat grey.
///
/// It allocates its buffers at the first frame and reuses them. The empty-scene image is a raw
/// image: it is never exposed, and the type describes and reflects geometry only.
public struct Anonymiser: Stage, Sendable {
    /// Settings.
    public struct Configuration: Sendable, Hashable, Codable {
        /// How regions are redacted. Default `.silhouette`.
        public var mode: AnonymisationMode = .silhouette
        /// Margin around the region seed (foreground ∪ static difference), as a fraction of the image
        /// height, where the anonymiser knows the empty scene: there the static difference already takes
        /// every pixel that differs from it, so the margin only covers the edge of the silhouette.
        /// Default 0.005 (3 px at 576 lines).
        public var marginFraction: Double = 0.005
        /// Smallest margin, pixels. Default 2.
        public var minimumMargin: Int = 2
        /// Margin, as a fraction of the image height, where the anonymiser has not seen the empty scene
        /// yet (after start-up or a global change, and under people who have been there since): the
        /// foreground mask alone must then cover a person, so its margin is wider. Track boxes that
        /// reach such pixels are redacted whole with this margin. Default 0.02.
        public var unknownMarginFraction: Double = 0.02
        /// A track last seen by a detector (`Track.lastSeenByDetector`: a person model's box, not a
        /// blob's) is widened by this fraction of its width on each side and of its height above and
        /// below, then by the wide margin, and redacted whole when that reaches pixels whose empty
        /// scene is not known: a detector's box is a body's outline and may miss a head, a hand or an
        /// arm, where a blob's box is what moved. Default 0.25.
        public var detectionMarginFraction: Double = 0.25
        /// Above this foreground fraction (0…1) the mask is deemed unreliable and the frame is fully
        /// redacted. Default 0.5.
        public var maximumForegroundCoverage: Double = 0.5
        /// A pixel whose luma differs from the anonymiser's long-term background by more than this
        /// (levels) is redacted even when the motion mask and the tracks miss it: a person who stood
        /// still until the motion model absorbed them and the tracker let them go. Default 24.
        public var staticDifferenceThreshold: UInt8 = 24
        /// Where the anonymiser has not seen the empty scene yet, a pixel whose luma changed by more
        /// than this (levels) since the previous frame is redacted too: a limb or an edge moving faster
        /// than the motion mask follows, an object entering before the motion model and the tracker
        /// have seen it. Default 16 (about 5.7 σ of the frame difference of a sensor noise of 2 levels).
        public var frameDifferenceThreshold: UInt8 = 16
        /// Frames fully redacted after the model becomes warm (its first warm mask was made while it
        /// was still learning). Default 1.
        public var settleFrames: Int = 1
        /// Luma of silhouettes (0…255). Default 176 (light grey, chroma neutral).
        public var silhouetteLuma: UInt8 = 176
        /// Luma of a fully redacted frame. Default 128.
        public var redactedLuma: UInt8 = 128
        /// Smallest pixelation block, pixels. Default 8.
        public var minimumBlockSize: Int = 8
        /// Smallest blur radius, pixels. Default 8.
        public var minimumBlurRadius: Int = 8

        /// The defaults.
        public init() {}
    }

    /// The settings.
    public let configuration: Configuration
    /// The static privacy masks (normalised image coordinates), filled opaque black always.
    public let privacyMasks: [PrivacyMask]
    /// Whether the last frame was redacted whole (fail-closed).
    public private(set) var lastFrameFullyRedacted = false
    /// Luma pixels the last frame redacted (its region, or every pixel when it was fully redacted):
    /// how much of the image the redaction covers (counted when asked, from the region's bits).
    public var lastRedactedPixels: Int {
        if lastFrameFullyRedacted { return width * height }
        guard width > 0, !bits.isEmpty else { return 0 }
        let n = BitRows.wordsPerRow(width: width) * height
        return bits.withUnsafeBufferPointer { words in
            BitRows(base: UnsafeMutablePointer(mutating: words.baseAddress! + n), width: width, height: height).count
        }
    }

    private var width = 0, height = 0, format = PixelFormat.luma
    private var region = Plane.placeholder
    /// The region's seed, the region (the seed with the small margin, then what the wide margin and
    /// track boxes add), the seed with the wide margin, the chroma region and where the empty scene
    /// is known, bit-packed (`BitRows`), one after the other (see `RegionBits`).
    private var bits: [UInt64] = []
    private var morphologyScratch = KernelScratch()
    private var privacy = Plane.placeholder
    private var regionC = Plane.placeholder, privacyC = Plane.placeholder
    /// The empty scene's luma (where it is known: `RegionBits.known`).
    private var backgroundY = Plane.placeholder
    /// Pixels whose empty scene is not known yet, in all and per row.
    private var unknownPixels = 0, unknownPerRow: [Int] = []
    /// Frames since the known empty scene was last learnt (it is learnt every `learningInterval`
    /// frames: it changes slowly).
    private var framesSinceLearning = 0
    /// The previous frame's luma (shared with the caller's frame, not copied).
    private var previousY = Plane.placeholder
    private var warmInputs = 0
    private var blurred = Plane.placeholder, blurredC = Plane.placeholder, blurScratch = Plane.placeholder
    private var blurScratchC = Plane.placeholder
    private var columnSums: [UInt32] = []
    private var output: Frame?
    /// The tallest live track of the last frame, in pixels (the pixelation block and blur radius follow it).
    private var tallest = 0

    /// An anonymiser with `configuration` and the scene's privacy masks.
    public init(_ configuration: Configuration = Configuration(), privacyMasks: [PrivacyMask] = []) {
        self.configuration = configuration
        self.privacyMasks = privacyMasks
    }

    /// The margin at `height` pixels where the empty scene is known: max(minimumMargin,
    /// ceil(marginFraction x height)).
    public func margin(forHeight height: Int) -> Int {
        max(configuration.minimumMargin, Int((configuration.marginFraction * Double(height)).rounded(.up)))
    }

    /// The margin at `height` pixels where the empty scene is not known yet: at least `margin(forHeight:)`
    /// and ceil(unknownMarginFraction x height).
    public func unknownMargin(forHeight height: Int) -> Int {
        max(margin(forHeight: height), Int((configuration.unknownMarginFraction * Double(height)).rounded(.up)))
    }

    /// Anonymises one frame.
    /// - Throws: `FrameError.frameSizeChanged` when the frame's size differs from the first frame's
    ///   or the mask's size differs from the frame's.
    public mutating func process(_ input: AnonymiserInput) throws(FrameError) -> AnonymisedFrame {
        let redactsWhole = try advance(input, rendering: true)
        let frame = input.frame
        var out = output ?? Frame(width: width, height: height, format: format)
        output = nil
        defer { output = out }
        if redactsWhole {
            fillWhole(&out, luma: configuration.redactedLuma)
        } else {
            switch configuration.mode {
            case .silhouette: composeSilhouette(frame, into: &out)
            case .pixelate: composePixelated(frame, into: &out, block: max(configuration.minimumBlockSize, tallest / 6))
            case .blur: composeBlurred(frame, into: &out, radius: max(configuration.minimumBlurRadius, tallest / 8))
            }
        }
        applyPrivacy(&out)
        out.timestamp = frame.timestamp
        out.number = frame.number
        return AnonymisedFrame(redacted: out)
    }

    /// Follows one frame without producing an image: the region, the empty scene it learns and
    /// the previous frame are updated exactly as `process(_:)` would.
    ///
    /// A caller that renders only some frames (a preview a second, an event's snapshot) gives every
    /// other frame here, so the images it renders are built from the last frame's difference and an
    /// empty scene learnt every frame, as when every frame is rendered; an anonymiser given a frame
    /// a second redacts more (what moved in that second) and learns the empty scene later.
    /// `lastFrameFullyRedacted` and `lastRedactedPixels` describe the frame as `process(_:)` would
    /// have rendered it.
    /// - Throws: as `process(_:)`.
    public mutating func observe(_ input: AnonymiserInput) throws(FrameError) {
        _ = try advance(input, rendering: false)
    }

    /// Checks the input's size, builds the region (with what composing needs when `rendering`)
    /// and learns the empty scene; returns whether the frame is redacted whole (fail-closed).
    private mutating func advance(_ input: AnonymiserInput, rendering: Bool) throws(FrameError) -> Bool {
        let frame = input.frame
        if width == 0 || frame.format != format {
            if width != 0, frame.width != width || frame.height != height {
                throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: frame.width, height: frame.height)
            }
            start(frame)
        }
        guard frame.width == width, frame.height == height else {
            throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: frame.width, height: frame.height)
        }
        guard input.foreground.width == width, input.foreground.height == height else {
            throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: input.foreground.width,
                                    height: input.foreground.height)
        }
        warmInputs = input.isWarm && !input.globalChange ? warmInputs + 1 : 0
        let settling = warmInputs <= configuration.settleFrames
        defer { previousY = frame.luma }
        var failClosed = !input.isWarm || input.globalChange || settling
        if !failClosed {
            // The seed kernel counts the foreground as it reads it: an unreliable mask fails closed.
            let foreground = buildSeed(input)
            failClosed = Double(foreground) > configuration.maximumForegroundCoverage * Double(width * height)
        }
        if failClosed {
            if input.globalChange { forgetBackground() }  // the scene may have changed (camera moved)
            lastFrameFullyRedacted = true
            return true
        }
        lastFrameFullyRedacted = false
        tallest = buildRegion(input, rendering: rendering)
        learnBackground(frame)
        return false
    }

    // MARK: - Set-up

    private mutating func start(_ frame: Frame) {
        (width, height, format) = (frame.width, frame.height, frame.format)
        // The silhouette reads the region as bits; pixelation and blur read it as a plane.
        region = configuration.mode == .silhouette ? .placeholder : Plane(width: width, height: height)
        bits = [UInt64](repeating: 0, count: RegionBits.words(width: width, height: height, chroma: format == .ycbcr420))
        backgroundY = Plane(width: width, height: height)
        unknownPixels = width * height
        unknownPerRow = [Int](repeating: width, count: height)
        previousY = frame.luma
        privacy = Plane(width: width, height: height)
        columnSums = [UInt32](repeating: 0, count: width)
        if configuration.mode == .blur {
            blurred = Plane(width: width, height: height)
            blurScratch = Plane(width: width, height: height)
        }
        let w = width, h = height
        for mask in privacyMasks where mask.polygon.count >= 3 {
            let xs = mask.polygon.map(\.x), ys = mask.polygon.map(\.y)
            let x0 = max(0, Int((xs.min()! * Double(w)).rounded(.down))), x1 = min(w - 1, Int((xs.max()! * Double(w)).rounded(.up)))
            let y0 = max(0, Int((ys.min()! * Double(h)).rounded(.down))), y1 = min(h - 1, Int((ys.max()! * Double(h)).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            privacy.withMutableView { p in
                for y in y0...y1 {
                    for x in x0...x1 where mask.contains(NormalisedPoint(x: (Double(x) + 0.5) / Double(w),
                                                                         y: (Double(y) + 0.5) / Double(h))) {
                        p[x, y] = 255
                    }
                }
            }
        }
        if format == .ycbcr420 {
            let cw = (w + 1) / 2, ch = (h + 1) / 2
            regionC = configuration.mode == .silhouette ? .placeholder : Plane(width: cw, height: ch)
            privacyC = Plane(width: cw, height: ch)
            if configuration.mode == .blur {
                blurredC = Plane(width: cw, height: ch)
                blurScratchC = Plane(width: cw, height: ch)
            }
            privacy.withView { p in privacyC.withMutableView { _ = reduce2x2Max(p, into: $0) } }
        }
        output = Frame(width: w, height: h, format: format)
    }

    private mutating func forgetBackground() {
        let rows = height
        withRegionBits { masks in masks.known.base.update(repeating: 0, count: masks.known.wordsPerRow * rows) }
        unknownPixels = width * height
        for y in unknownPerRow.indices { unknownPerRow[y] = width }
    }

    // MARK: - Region

    /// The anonymiser's bit-packed masks (`BitRows`), in one array of words.
    private struct RegionBits {
        /// The region's seed.
        let seed: BitRows
        /// The region: the seed with the small margin, then what the wide margin and track boxes add.
        let region: BitRows
        /// The seed with the wide margin (on the rows that hold unknown pixels).
        let wide: BitRows
        /// The chroma region of 4:2:0 frames (0 x 0 otherwise).
        let chroma: BitRows
        /// Where the empty scene is known (kept from frame to frame, unlike the others).
        let known: BitRows

        /// Words the masks of a `width` x `height` frame take.
        static func words(width: Int, height: Int, chroma: Bool) -> Int {
            let cw = chroma ? (width + 1) / 2 : 0, ch = chroma ? (height + 1) / 2 : 0
            return max(1, 4 * BitRows.wordsPerRow(width: width) * height + BitRows.wordsPerRow(width: cw) * ch)
        }
    }

    /// Calls `body` with the masks held in `words` (see `RegionBits`).
    private static func withBitRows<R>(_ words: inout [UInt64], width: Int, height: Int, chroma: Bool,
                                       _ body: (RegionBits) -> R) -> R {
        let n = BitRows.wordsPerRow(width: width) * height
        let cw = chroma ? (width + 1) / 2 : 0, ch = chroma ? (height + 1) / 2 : 0
        return words.withUnsafeMutableBufferPointer { memory in
            let base = memory.baseAddress!
            return body(RegionBits(seed: BitRows(base: base, width: width, height: height),
                                   region: BitRows(base: base + n, width: width, height: height),
                                   wide: BitRows(base: base + 2 * n, width: width, height: height),
                                   chroma: BitRows(base: base + 3 * n, width: cw, height: ch),
                                   known: BitRows(base: base + 3 * n + BitRows.wordsPerRow(width: cw) * ch,
                                                  width: width, height: height)))
        }
    }

    /// Builds the region's seed (see the type's documentation); returns the foreground pixels of
    /// the mask, counted in the same pass. Once the empty scene is known everywhere, neither the
    /// known mask nor the previous frame is read.
    private mutating func buildSeed(_ input: AnonymiserInput) -> Int {
        let threshold = configuration.staticDifferenceThreshold, changed = configuration.frameDifferenceThreshold
        let allKnown = unknownPixels == 0
        var words = bits
        bits = []
        defer { bits = words }
        return Self.withBitRows(&words, width: width, height: height, chroma: format == .ycbcr420) { masks in
            // The mask's bits when the cleanup left them (an eighth of the bytes to read).
            input.foreground.withPackedBits { bits in input.foreground.plane.withView { m in
                input.frame.luma.withView { f in
                    backgroundY.withView { b in
                        if allKnown {
                            return regionSeedBits(m, f, b, nil, nil, masks.seed, threshold: threshold, changed: changed,
                                                  foregroundBits: bits)
                        }
                        return previousY.withView { p in
                            regionSeedBits(m, f, b, masks.known, p, masks.seed, threshold: threshold, changed: changed,
                                           foregroundBits: bits, unknownPerRow: unknownPerRow)
                        }
                    }
                }
            } }
        }
    }

    /// Builds the region from the seed (see the type's documentation) in its bit rows; when
    /// `rendering`, also its chroma reduction and, for pixelation and
    /// blur, the `region` plane (only composing reads them). Returns the tallest track's height in
    /// pixels.
    private mutating func buildRegion(_ input: AnonymiserInput, rendering: Bool) -> Int {
        let r = margin(forHeight: height), wide = unknownMargin(forHeight: height)
        let (w, h) = (width, height)
        var g = region, words = bits, k = morphologyScratch, c = regionC
        (region, bits, morphologyScratch, regionC) = (.placeholder, [], KernelScratch(), .placeholder)
        defer { (region, bits, morphologyScratch, regionC) = (g, words, k, c) }
        let someUnknown = unknownPixels > 0
        // The wide margin matters only on the rows that hold unknown pixels.
        var band: Range<Int>?
        if someUnknown, wide > r, let first = unknownPerRow.firstIndex(where: { $0 > 0 }),
           let last = unknownPerRow.lastIndex(where: { $0 > 0 }) {
            band = first..<(last + 1)
        }
        let perRow = unknownPerRow
        let unpacks = rendering && configuration.mode != .silhouette, chroma = format == .ycbcr420
        var tallest = 0
        Self.withBitRows(&words, width: w, height: h, chroma: chroma) { masks in
            let (seed, regionBits, wideRows) = (masks.seed, masks.region, masks.wide)
            dilateBits(seed, into: regionBits, radius: r, scratch: &k)
            let known = masks.known
            if let band {
                // Dilate the band of the seed that reaches those rows; add it where the empty scene is unknown.
                let top = max(0, band.lowerBound - wide), bottom = min(h, band.upperBound + wide)
                dilateBits(seed.rows(top..<bottom), into: wideRows.rows(top..<bottom), radius: wide, scratch: &k)
                addWideWhereUnknown(regionBits.rows(band), wide: wideRows.rows(band), known: known.rows(band))
            }
            for track in input.tracks where track.state != .ended {
                let b = track.box
                guard let inner = b.clipped(width: w, height: h) else { continue }
                tallest = max(tallest, b.height)
                guard someUnknown else { continue }
                // A detector's box is widened first (it may miss a head or an arm); a blob's box is what moved.
                let (dx, dy) = track.lastSeenByDetector ? detectionMargins(b, wide: wide) : (wide, wide)
                let outer = PixelRect(x: b.x - dx, y: b.y - dy, width: b.width + 2 * dx, height: b.height + 2 * dy)
                guard let e = outer.clipped(width: w, height: h) else { continue }
                // Redacted whole when it reaches pixels whose empty scene is not known (the box, or
                // for a detector's the widened box: the pixels it may have missed); elsewhere the
                // region alone redacts it.
                let probe = track.lastSeenByDetector ? e : inner
                guard perRow[probe.y..<(probe.y + probe.height)].contains(where: { $0 > 0 }),
                      !known.allSet(probe.x, probe.y, width: probe.width, height: probe.height) else { continue }
                regionBits.fill(e.x, e.y, width: e.width, height: e.height)
            }
            if unpacks { g.withMutableView { unpackBits(regionBits, into: $0) } }
            guard chroma && rendering else { return }
            reduce2x2Max(bits: regionBits, into: masks.chroma, counting: false)
            if unpacks { c.withMutableView { unpackBits(masks.chroma, into: $0) } }
        }
        return tallest
    }

    /// The margins (across, down) around a detector's box `b`: the wide margin plus
    /// `detectionMarginFraction` of the box's width and height.
    private func detectionMargins(_ b: PixelRect, wide: Int) -> (Int, Int) {
        let f = max(0, configuration.detectionMarginFraction)
        return (wide + Int((f * Double(b.width)).rounded(.up)), wide + Int((f * Double(b.height)).rounded(.up)))
    }

    /// Calls `body` with the masks (the region and its chroma built by `buildRegion`).
    private mutating func withRegionBits<R>(_ body: (RegionBits) -> R) -> R {
        var words = bits
        bits = []
        defer { bits = words }
        return Self.withBitRows(&words, width: width, height: height, chroma: format == .ycbcr420, body)
    }

    // MARK: - Background

    /// Where the empty scene is known, it is learnt every this many frames.
    static let learningInterval = 4

    /// Learns the empty scene where the region is clear: every frame where it is not known yet (it
    /// takes the frame's values there), every `learningInterval` frames where it is.
    private mutating func learnBackground(_ frame: Frame) {
        framesSinceLearning += 1
        let everyRow = framesSinceLearning >= Self.learningInterval
        guard unknownPixels > 0 || everyRow else { return }
        if everyRow { framesSinceLearning = 0 }
        var rows = unknownPerRow
        unknownPerRow = []
        var background = backgroundY
        backgroundY = .placeholder
        defer { backgroundY = background }
        let learnt = withRegionBits { masks in
            frame.luma.withView { f in
                background.withMutableView { b in
                    learnEmptyScene(f, masks.region, b, masks.known, unknownPerRow: &rows, everyRow: everyRow)
                }
            }
        }
        unknownPerRow = rows
        unknownPixels -= learnt
    }

    // MARK: - Composition

    private mutating func composeSilhouette(_ frame: Frame, into out: inout Frame) {
        let fill = configuration.silhouetteLuma
        withRegionBits { masks in
            frame.luma.withView { f in out.luma.withMutableView { o in fillRegion(f, bits: masks.region, o, fill) } }
            guard let cb = frame.cb, let cr = frame.cr else { return }
            cb.withView { f in out.cb!.withMutableView { o in fillRegion(f, bits: masks.chroma, o, 128) } }
            cr.withView { f in out.cr!.withMutableView { o in fillRegion(f, bits: masks.chroma, o, 128) } }
        }
    }

    private func composePixelated(_ frame: Frame, into out: inout Frame, block: Int) {
        frame.luma.withView { f in
            region.withView { g in out.luma.withMutableView { o in pixelate(f, g, o, block: block) } }
        }
        guard let cb = frame.cb, let cr = frame.cr else { return }
        let cblock = max(1, block / 2)
        regionC.withView { g in
            cb.withView { f in out.cb!.withMutableView { o in pixelate(f, g, o, block: cblock) } }
            cr.withView { f in out.cr!.withMutableView { o in pixelate(f, g, o, block: cblock) } }
        }
    }

    private mutating func composeBlurred(_ frame: Frame, into out: inout Frame, radius: Int) {
        if blurred.width != width {
            blurred = Plane(width: width, height: height)
            blurScratch = Plane(width: width, height: height)
            if format == .ycbcr420 {
                blurredC = Plane(width: (width + 1) / 2, height: (height + 1) / 2)
                blurScratchC = Plane(width: (width + 1) / 2, height: (height + 1) / 2)
            }
        }
        var sums = columnSums
        columnSums = []
        defer { columnSums = sums }
        sums.withUnsafeMutableBufferPointer { sums in
            func blurInto(_ source: Plane, _ target: inout Plane, _ tmp: inout Plane, radius: Int) {
                source.withView { s in
                    target.withMutableView { d in
                        tmp.withMutableView { t in
                            boxBlur(s, into: d, radius: radius, scratch: t, columnSums: sums.baseAddress!)
                            boxBlur(d.readOnly, into: d, radius: radius, scratch: t, columnSums: sums.baseAddress!)
                            boxBlur(d.readOnly, into: d, radius: radius, scratch: t, columnSums: sums.baseAddress!)
                        }
                    }
                }
            }
            blurInto(frame.luma, &blurred, &blurScratch, radius: radius)
            frame.luma.withView { f in
                region.withView { g in blurred.withView { b in out.luma.withMutableView { o in select(f, g, b, o) } } }
            }
            guard let cb = frame.cb, let cr = frame.cr else { return }
            let cr2 = max(1, radius / 2)
            for (plane, isCb) in [(cb, true), (cr, false)] {
                blurInto(plane, &blurredC, &blurScratchC, radius: cr2)
                plane.withView { f in
                    regionC.withView { g in
                        blurredC.withView { b in
                            if isCb { out.cb!.withMutableView { o in select(f, g, b, o) } } else {
                                out.cr!.withMutableView { o in select(f, g, b, o) }
                            }
                        }
                    }
                }
            }
        }
    }

    private func fillWhole(_ out: inout Frame, luma: UInt8) {
        out.luma.withMutableView { fillAll($0, luma) }
        out.cb?.withMutableView { fillAll($0, 128) }
        out.cr?.withMutableView { fillAll($0, 128) }
    }

    private func applyPrivacy(_ out: inout Frame) {
        guard !privacyMasks.isEmpty else { return }
        privacy.withView { p in out.luma.withMutableView { o in paint(p, o, 0) } }
        guard format == .ycbcr420 else { return }
        privacyC.withView { p in
            out.cb?.withMutableView { o in paint(p, o, 128) }
            out.cr?.withMutableView { o in paint(p, o, 128) }
        }
    }
}

extension Anonymiser: CustomStringConvertible, CustomReflectable {
    /// Settings and geometry only: `Anonymiser(silhouette, 2 privacy masks, 320x240)`.
    public var description: String {
        "Anonymiser(\(configuration.mode.rawValue), \(privacyMasks.count) privacy masks, \(width)x\(height))"
    }
    /// Settings and geometry only, never pixels (the background image is a raw image).
    public var customMirror: Mirror {
        Mirror(self, children: ["mode": configuration.mode.rawValue, "privacyMasks": privacyMasks.count,
                                "width": width, "height": height, "lastFrameFullyRedacted": lastFrameFullyRedacted])
    }
}

extension PixelRect {
    /// The part of the rectangle inside a `width` x `height` image, or nil if none.
    func clipped(width: Int, height: Int) -> PixelRect? {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + self.width), y1 = min(height, y + self.height)
        return x1 > x0 && y1 > y0 ? PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0) : nil
    }
}
