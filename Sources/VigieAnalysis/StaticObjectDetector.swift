import VigieBackground
import VigieBlobs
import VigieCore

/// Static objects at one frame: things that appeared and stopped, or that were taken away.
public struct StaticObjectCues: Sendable {
    /// Candidates seen at the last analysis, largest static time first.
    public var objects: [StaticObject]

    /// Cues with the given objects.
    public init(objects: [StaticObject] = []) { self.objects = objects }
}

/// What a static region most likely is, judged from its structure against the long-term background.
public enum StaticObjectOrigin: String, Sendable, Hashable, CaseIterable, Codable {
    /// Something new: its outline brings edges (or its inside texture) the background did not have.
    case appeared
    /// Something of the learned scene was taken away: the background had edges the frame lacks.
    case removed
    /// A lighting change, reflection or wet patch: the background's texture is still there,
    /// under a gain or offset change. Not an object.
    case illumination
    /// Neither cue is clear (a flat region on a flat floor with a soft outline).
    case unclear
}

/// One static region: geometry and measurements only, no pixels.
public struct StaticObject: Sendable, Hashable {
    /// The region's id, stable while the region stays (ephemeral, from 1, never reused by one detector).
    public var id: Int
    /// Extent in frame pixels (of the frames given to the detector).
    public var box: PixelRect
    /// Seconds it has been still: since the short-term model absorbed it (a few seconds after it stopped).
    public var staticSeconds: Double
    /// Appeared, removed, or a lighting change; the majority of its analyses so far.
    public var origin: StaticObjectOrigin
    /// Fraction 0…1 of its analyses (since it became static) in which part of it moved while the
    /// rest stayed (luma changed between analyses on a few per cent of its pixels): a breathing,
    /// shifting person has it, a bag does not.
    public var internalMotion: Double
    /// The same fraction over its analyses of the last `StaticObject.recentSeconds` (at least one
    /// analysis, at most 32): whether it is still moving inside now.
    public var recentMotion: Double
    /// Zero-mean correlation, −1…1, of the region's luma with the long-term background at the last
    /// analysis: near 1 for a light pool over the same floor, near 0 for a new object.
    public var backgroundSimilarity: Double

    /// Seconds of analyses `recentMotion` counts: 2 s (5 analyses at the default interval of 0.4 s).
    public static let recentSeconds = 2.0

    /// Analyses `recentMotion` counts at an analysis `interval` (seconds): those of the last
    /// `recentSeconds`, at least one and at most 32.
    public static func recentAnalyses(interval: Double) -> Int {
        guard interval > 0 else { return 32 }
        return max(1, min(32, Int((recentSeconds / interval).rounded())))
    }

    /// A static region from its parts; `recentMotion` defaults to `internalMotion`.
    public init(id: Int, box: PixelRect, staticSeconds: Double, origin: StaticObjectOrigin = .appeared,
                internalMotion: Double = 0, recentMotion: Double? = nil, backgroundSimilarity: Double = 0) {
        self.id = id
        self.box = box
        self.staticSeconds = staticSeconds
        self.origin = origin
        self.internalMotion = internalMotion
        self.recentMotion = recentMotion ?? internalMotion
        self.backgroundSimilarity = backgroundSimilarity
    }
}

/// Finds objects that appeared and stopped (left luggage) and objects of the learned scene that
/// were taken away, from a dual-rate background model run at low resolution and low rate:
///
/// ```
/// frame ─▶ halved to ≤ 200 px wide, every `interval` s ─▶ DualRateBackground ─▶ static foreground
///        ─▶ cleanup ─▶ blobs ─▶ candidates kept over time (id, box, static seconds)
///        ─▶ structure cues vs the long-term background: appeared / removed / illumination
/// ```
///
/// Static objects need seconds, so 2.5 analyses a second at a sixteenth of the pixels (768x576 is
/// analysed at 192x144) are enough; the detector costs a few per cent of the full-resolution
/// motion stage (`vigie-bench static-objects`, Documentation/Performance.md).
///
/// The structure cues separate an object from light:
/// - *illumination*: the region's luma still correlates with the learned background (the floor's
///   texture is there, under a gain change): a light pool, a reflection, a wet patch;
/// - *appeared*: the region's outline has edges the background lacked, or its inside is more textured;
/// - *removed*: the background had edges at the outline (or inside) that the frame lacks.
///
/// People who stop are static regions too; telling them from parcels needs the tracks, which the
/// rule (`AbandonedObjectRule` in VigieRules) does. The detector reports `internalMotion` as a cue.
public struct StaticObjectDetector {
    /// Settings; defaults are for transport and school cameras, not for one clip.
    public struct Configuration: Sendable, Hashable {
        /// Seconds between two analyses. Default 0.4 s (2.5 per second): a static object needs tens
        /// of seconds, the short-term model absorbs in about 2 s (5 analyses), and the analyser then
        /// costs under 10 % of the full-resolution motion stage even at 10 frames per second.
        public var interval: Double = 0.4
        /// The analysis runs on frames halved until they are at most this wide, pixels. Default
        /// 200 (768x576 is analysed at 192x144; 320x240 at 160x120).
        public var maximumAnalysisWidth: Int = 200
        /// Smallest region kept, as a fraction of the analysed image area. Default 1/4000
        /// (7 pixels at 192x144, 112 at 768x576).
        public var minimumAreaFraction: Double = 1.0 / 4000
        /// Seconds a candidate may go unseen before it is dropped (a passer-by hiding it). Default 1.5 s.
        public var gracePeriod: Double = 1.5
        /// Correlation with the background above which a textured region is illumination. Default 0.5:
        /// a light pool of opacity 0.3 over a floor with grain keeps about 0.8; a new object about 0.
        public var illuminationCorrelation: Double = 0.5
        /// Luma standard deviation (levels) below which a region counts as flat (no texture to
        /// correlate). Default 2.5, about the sensor noise.
        public var flatDeviation: Double = 2.5
        /// Ratio of edge or texture strength that makes a region appeared (frame over background)
        /// or removed (background over frame). Default 1.3.
        public var structureRatio: Double = 1.3
        /// Fraction of a region's static pixels that must change between two analyses (by more than
        /// `motionThreshold`) for the region to count as moving inside at that analysis. Default
        /// 0.03…0.5: a breathing or shifting person moves a few per cent of their outline; a
        /// passer-by hiding the region changes more than half of it and is not counted.
        public var internalMotionFraction: ClosedRange<Double> = 0.03...0.5
        /// Luma change between two analyses that counts as motion, levels. Default 12 (about five
        /// times the sensor noise after downscaling).
        public var motionThreshold: Int = 12
        /// The dual-rate model. Its models keep the brightness-and-chroma shadow test without the
        /// texture test: on the downscaled frame a 3x3 window spans about 12 pixels of the camera's
        /// frame, the ground's fine texture is averaged away, and on PETS 2009 the texture test
        /// there raised a false abandoned-object alert (a region of 2x6 pixels).
        public var model: DualRateBackground.Configuration = {
            var c = DualRateBackground.Configuration()
            c.longTerm.shadowTextureContrast = nil
            c.shortTerm.shadowTextureContrast = nil
            return c
        }()

        /// The defaults.
        public init() {}
    }

    /// The settings in use.
    public let configuration: Configuration

    private var model: DualRateBackground
    private var cleanup = MaskCleanup(median: true, opening: 0, closing: 1, fillHoles: true)
    private var blobs = BlobExtraction()
    private var reference: [UInt8] = []  // long-term background luma at analysis size, learned where nothing is
    private var previous: [UInt8] = []  // luma of the previous analysis, for internal motion
    private var scale = 0  // frame pixels per analysis pixel (1, 2, 4…), fixed at the first frame
    private var frameSize: (width: Int, height: Int)?
    private var lastAnalysis: Timestamp?
    private var lastTime: Timestamp?
    private var candidates: [Candidate] = []
    private var reduced: [Frame?] = []      // the frame halved once, twice…, reused
    private var found: [Blob] = []          // scratch: this analysis's static regions
    private var matched = Set<Int>()        // scratch: candidates continued by a region
    private var updated: [Candidate] = []   // scratch: the candidates after this analysis
    private var luma: [UInt8] = []          // scratch: the analysis frame's luma, packed
    private var longPixels: [UInt8] = []    // scratch: the long-term foreground, packed
    private var staticPixels: [UInt8] = []  // scratch: the cleaned static mask, packed
    private var nextID = 1
    private var cues = StaticObjectCues()

    /// A detector with the given settings.
    public init(_ configuration: Configuration = Configuration()) {
        precondition(configuration.interval >= 0 && configuration.maximumAnalysisWidth >= 8,
                     "interval \(configuration.interval) s, maximumAnalysisWidth \(configuration.maximumAnalysisWidth)")
        self.configuration = configuration
        model = DualRateBackground(configuration.model)
        recentCount = StaticObject.recentAnalyses(interval: configuration.interval)
    }

    /// Analyses `StaticObject.recentMotion` counts at this detector's interval.
    private let recentCount: Int

    /// Number of analyses run so far (for tests and benchmarks).
    public private(set) var analyses = 0

    /// One frame's static objects. Between analyses, returns the last analysis's cues.
    /// - Throws: `FrameError.frameSizeChanged` or `.nonMonotonicTimestamp`.
    public mutating func process(_ frame: Frame) throws(FrameError) -> StaticObjectCues {
        if let frameSize, frameSize != (frame.width, frame.height) {
            throw .frameSizeChanged(expectedWidth: frameSize.width, expectedHeight: frameSize.height,
                                    width: frame.width, height: frame.height)
        }
        if let lastTime, frame.timestamp <= lastTime {
            throw .nonMonotonicTimestamp(previous: lastTime, current: frame.timestamp)
        }
        lastTime = frame.timestamp
        if frameSize == nil {
            frameSize = (frame.width, frame.height)
            scale = 1
            var w = frame.width
            while w > configuration.maximumAnalysisWidth { w = (w + 1) / 2; scale *= 2 }
        }
        if let last = lastAnalysis, frame.timestamp.seconds - last.seconds < configuration.interval - 1e-6 {
            return cues
        }
        lastAnalysis = frame.timestamp
        // Halved into frames kept between analyses (no allocation in steady state).
        var source = frame
        var level = 0
        var s = 1
        while s < scale {
            if reduced.count <= level { reduced.append(nil) }
            source.downscale2x(into: &reduced[level])
            source = reduced[level]!
            level += 1
            s *= 2
        }
        try analyse(source)
        return cues
    }

    private mutating func analyse(_ small: Frame) throws(FrameError) {
        analyses += 1
        let longMask = try model.process(small)
        small.luma.copyPackedPixels(into: &luma)
        let w = small.width, h = small.height
        let now = small.timestamp
        longMask.plane.copyPackedPixels(into: &longPixels)
        let long = longPixels
        // The current luma becomes `previous` for the next analysis (swapped, not copied).
        defer { swap(&previous, &luma) }
        guard model.isWarm, !model.sawGlobalChange, reference.count == luma.count, previous.count == luma.count else {
            // Learning (start-up or after a global change): the reference is the scene as it is now.
            reference = Array(luma)
            if previous.count != luma.count { previous = Array(luma) }
            candidates.removeAll(keepingCapacity: true)
            cues.objects.removeAll(keepingCapacity: true)
            return
        }
        // The reference learns where nothing differs from the long-term model (a few levels a second).
        for i in reference.indices where long[i] == 0 {
            let r = Int(reference[i]), f = Int(luma[i])
            reference[i] = UInt8(r + (f - r).signum() * min(abs(f - r), 2))
        }
        let staticMask = try cleanup.process(model.staticForeground)
        let minimumArea = max(4, Int((Double(w * h) * configuration.minimumAreaFraction).rounded()))
        found.removeAll(keepingCapacity: true)
        for blob in blobs.process(staticMask) where blob.area >= minimumArea { found.append(blob) }
        found.sort { $0.area > $1.area }
        staticMask.plane.copyPackedPixels(into: &staticPixels)
        let image = RegionImage(width: w, height: h, motionThreshold: configuration.motionThreshold, frame: luma,
                                reference: reference, staticMask: staticPixels, previous: previous)

        // Match blobs to candidates: best overlap, or the blob's centre inside the candidate's box.
        // (Scratch storage reused between analyses: no allocation in steady state.)
        matched.removeAll(keepingCapacity: true)
        updated.removeAll(keepingCapacity: true)
        for blob in found {
            var best: (index: Int, score: Double)?
            for index in candidates.indices where !matched.contains(index) {
                let score = overlapScore(candidates[index].box, blob)
                if score > 0, score > (best?.score ?? 0) { best = (index, score) }
            }
            var candidate: Candidate
            if let (index, _) = best {
                matched.insert(index)
                candidate = candidates[index]
            } else {
                candidate = Candidate(id: nextID, firstSeen: now)
                nextID += 1
            }
            candidate.box = blob.boundingBox
            candidate.lastSeen = now
            let stats = image.statistics(in: blob.boundingBox)
            candidate.similarity = stats.correlation
            candidate.votes[classify(stats)] += 1
            candidate.analyses += 1
            let moved = stats.movingFraction >= configuration.internalMotionFraction.lowerBound
                && stats.movingFraction <= configuration.internalMotionFraction.upperBound
            if moved { candidate.moving += 1 }
            candidate.recentMoves = candidate.recentMoves << 1 | (moved ? 1 : 0)
            updated.append(candidate)
        }
        for (index, candidate) in candidates.enumerated() where !matched.contains(index) {
            if now.seconds - candidate.lastSeen.seconds <= configuration.gracePeriod { updated.append(candidate) }
        }
        swap(&candidates, &updated)
        // The reported array is refilled in place: once the caller has let go of the last cues,
        // reporting objects allocates nothing.
        cues.objects.removeAll(keepingCapacity: true)
        for c in candidates where c.lastSeen == now {
            cues.objects.append(StaticObject(id: c.id, box: scaled(c.box), staticSeconds: model.longestStaticSeconds(in: c.box),
                                             origin: c.origin, internalMotion: Double(c.moving) / Double(max(1, c.analyses)),
                                             recentMotion: c.recentMotion(over: recentCount), backgroundSimilarity: c.similarity))
        }
        cues.objects.sort { $0.staticSeconds > $1.staticSeconds }
    }

    /// The structure verdict of one analysis of a region.
    func classify(_ s: RegionStatistics) -> StaticObjectOrigin {
        let c = configuration
        let textured = s.referenceDeviation >= c.flatDeviation && s.frameDeviation >= c.flatDeviation
        if textured && s.correlation >= c.illuminationCorrelation { return .illumination }
        let r = c.structureRatio
        let newEdges = s.frameEdge > r * s.referenceEdge + 2
        let newTexture = s.frameDeviation > r * s.referenceDeviation + 1
        let lostEdges = s.referenceEdge > r * s.frameEdge + 2
        let lostTexture = s.referenceDeviation > r * s.frameDeviation + 1
        if (newEdges || newTexture) && !(lostEdges || lostTexture) { return .appeared }
        if (lostEdges || lostTexture) && !(newEdges || newTexture) { return .removed }
        if newEdges && lostTexture || newTexture && lostEdges {
            return s.frameEdge >= s.referenceEdge ? .appeared : .removed
        }
        return .unclear
    }

    private func scaled(_ r: PixelRect) -> PixelRect {
        guard let frameSize else { return r }
        let x = r.x * scale, y = r.y * scale
        return PixelRect(x: x, y: y, width: min(frameSize.width - x, r.width * scale),
                         height: min(frameSize.height - y, r.height * scale))
    }
}

/// A static region followed over analyses.
struct Candidate {
    let id: Int
    let firstSeen: Timestamp
    var box = PixelRect(x: 0, y: 0, width: 0, height: 0)
    var lastSeen: Timestamp = .zero
    var votes = Votes()
    var analyses = 0
    var moving = 0
    /// Whether each of the last analyses saw motion inside, the latest in bit 0.
    var recentMoves: UInt32 = 0
    var similarity = 0.0

    init(id: Int, firstSeen: Timestamp) {
        self.id = id
        self.firstSeen = firstSeen
        lastSeen = firstSeen
    }

    /// The moving fraction of the last `count` analyses (or all, when fewer).
    func recentMotion(over count: Int) -> Double {
        let n = min(analyses, count)
        guard n > 0 else { return 0 }
        return Double((UInt64(recentMoves) & (UInt64(1) << UInt64(n) - 1)).nonzeroBitCount) / Double(n)
    }

    /// The majority verdict; ties go to the cautious answer (illumination, then removed).
    var origin: StaticObjectOrigin {
        var best = StaticObjectOrigin.unclear, count = 0
        for origin in Votes.order where votes[origin] > count { (best, count) = (origin, votes[origin]) }
        return best
    }
}

/// Verdict counts of a candidate, one per origin (a fixed struct: no allocation per analysis).
struct Votes {
    private var counts: (appeared: Int, removed: Int, illumination: Int, unclear: Int) = (0, 0, 0, 0)

    /// The order ties are broken in: the cautious answers first.
    static let order: [StaticObjectOrigin] = [.illumination, .removed, .appeared, .unclear]

    subscript(origin: StaticObjectOrigin) -> Int {
        get {
            switch origin {
            case .appeared: counts.appeared
            case .removed: counts.removed
            case .illumination: counts.illumination
            case .unclear: counts.unclear
            }
        }
        set {
            switch origin {
            case .appeared: counts.appeared = newValue
            case .removed: counts.removed = newValue
            case .illumination: counts.illumination = newValue
            case .unclear: counts.unclear = newValue
            }
        }
    }
}

/// How well a blob continues a candidate: intersection over union, or 0.01 when only the blob's
/// centre falls inside the candidate's box (a region that grew or shrank).
func overlapScore(_ box: PixelRect, _ blob: Blob) -> Double {
    let iou = intersectionOverUnion(box, blob.boundingBox)
    if iou >= 0.2 { return iou }
    let c = blob.centroid
    let inside = c.x >= Double(box.x) && c.x <= Double(box.x + box.width) && c.y >= Double(box.y)
        && c.y <= Double(box.y + box.height)
    return inside ? 0.01 : 0
}

/// Intersection over union of two pixel rectangles, 0…1.
package func intersectionOverUnion(_ a: PixelRect, _ b: PixelRect) -> Double {
    let i = intersectionArea(a, b)
    let u = a.area + b.area - i
    return u > 0 ? Double(i) / Double(u) : 0
}

/// Area of the intersection of two pixel rectangles, pixels.
package func intersectionArea(_ a: PixelRect, _ b: PixelRect) -> Int {
    let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
    let h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
    return w > 0 && h > 0 ? w * h : 0
}
