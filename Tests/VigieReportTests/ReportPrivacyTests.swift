import Foundation
import Testing
import VigieCore
import VigieIO
import VigieReport
import VigieSimulator

/// Every image the report shows came through the anonymiser: a high-contrast random texture
/// planted on the moving actors (the simulator's stand-in for a face) must not be found in any
/// image embedded in the page, decoded back from its data: URI.
@Suite("Dry-run report: no planted texture in any embedded image")
struct ReportPrivacyTests {
    /// Tall actors (60 % of the image height), so their 64x64-cell texture is about one pixel a cell:
    /// the finest detail a JPEG keeps, and the most a face would show.
    static let footage = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 16, seed: 21, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.95), Waypoint(8, 0.9, 0.9)], height: 0.6, luma: 70),
        Actor(id: 2, kind: .person, path: [Waypoint(9, 0.95, 0.9), Waypoint(14.5, 0.05, 0.95)], height: 0.6, luma: 150,
              chroma: (140, 118)),
    ])

    /// A scene whose rules fire while the actors are in view: crossings and intrusions.
    static let scene = #"""
        {"cameraID": "yard",
         "zones": [{"id": "all", "polygon": [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1}, {"x": 0, "y": 1}]}],
         "lines": [{"id": "middle", "from": {"x": 0.5, "y": 0.0}, "to": {"x": 0.5, "y": 1.0}}],
         "rules": [{"id": "cross", "kind": "lineCrossed", "line": "middle"},
                   {"id": "in", "kind": "intrusion", "zone": "all", "minDuration": 0.5}]}
        """#

    /// Correlation of the texture's high-pass detail (pixel minus its 3x3 mean) between the
    /// original frame and a decoded image, over the actors' ground-truth pixels.
    static func detailCorrelation(original: Frame, truth: GroundTruth, decoded: Frame) -> (correlation: Double, pixels: Int) {
        let (xs, ys) = details(original: original, truth: truth, decoded: decoded)
        return (pearson(xs, ys), xs.count)
    }

    /// The high-pass detail of both images at the actors' inner pixels.
    static func details(original: Frame, truth: GroundTruth, decoded: Frame) -> ([Double], [Double]) {
        let w = original.width, h = original.height
        let o = original.luma.packedPixels, a = decoded.luma.packedPixels, m = truth.mask.plane.packedPixels
        func highPass(_ p: [UInt8], _ x: Int, _ y: Int) -> Double {
            var s = 0.0, n = 0.0
            for yy in max(0, y - 1)...min(h - 1, y + 1) {
                for xx in max(0, x - 1)...min(w - 1, x + 1) {
                    s += Double(p[yy * w + xx])
                    n += 1
                }
            }
            return Double(p[y * w + x]) - s / n
        }
        var xs: [Double] = [], ys: [Double] = []
        for object in truth.objects {
            let box = object.box
            // Inner pixels only (the 5x5 square around each inside the actor): the texture, not the
            // actor's outline against the background, which the silhouette and the track box drawn
            // around it follow.
            func inside(_ x: Int, _ y: Int) -> Bool {
                for dy in -2...2 { for dx in -2...2 where m[(y + dy) * w + x + dx] == 0 { return false } }
                return true
            }
            for y in (box.y + 2)..<max(box.y + 2, box.y + box.height - 2) {
                for x in (box.x + 2)..<max(box.x + 2, box.x + box.width - 2) where inside(x, y) {
                    xs.append(highPass(o, x, y))
                    ys.append(highPass(a, x, y))
                }
            }
        }
        return (xs, ys)
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        guard sxx > 1e-9, syy > 1e-9 else { return 0 }
        return sxy / (sxx * syy).squareRoot()
    }

    /// The original frame and its ground truth at stream time `t`.
    static func original(at t: Double) -> (Frame, GroundTruth) {
        let number = Int((t * footage.framesPerSecond).rounded())
        return SceneSimulator(footage).render(at: Double(number) / footage.framesPerSecond, number: number)
    }

    @Test func theMeasureFindsTheTextureInAnImageThatWasNotAnonymised() throws {
        // The control: the same frame, encoded without redaction (test footage, no person in it),
        // shows the texture clearly, so a low figure below means the texture is gone.
        let (frame, truth) = Self.original(at: 6)
        try #require(truth.objects.count == 1)
        let bytes = try JPEGCodec.encode(AnonymisedFrame(redacted: frame), quality: ReportRecorder.Configuration().jpegQuality)
        let (correlation, pixels) = Self.detailCorrelation(original: frame, truth: truth, decoded: try JPEGCodec.decode(bytes))
        #expect(pixels > 300)
        print("control (not anonymised): \(pixels) texture pixels, detail correlation \(correlation)")
        #expect(correlation > 0.5, "control: \(correlation)")
    }

    @Test func noEmbeddedImageShowsThePlantedTexture() throws {
        var recorder = try ReportRecorder(sceneData: Data(Self.scene.utf8), sceneName: "yard.json")
        var simulator = SceneSimulator(Self.footage)
        while let frame = try simulator.next() { _ = try recorder.process(frame) }
        _ = try recorder.finish()
        let report = recorder.report(inputName: "simulated")
        let html = report.html()
        let images = try embeddedImages(html)
        // In page order: a snapshot per alert (table order), then the heat map's background.
        try #require(images.count == report.alerts.count + 1)
        var times = report.alerts.map(\.snapshotTime)
        times.append(report.backgroundTime)
        var checked = 0, withActor = 0
        var pooled: ([Double], [Double]) = ([], [])
        for (image, time) in zip(images, times) {
            let bytes = try #require(image, "a JPEG data: URI")
            let t = try #require(time, "each image's frame time is known")
            let (frame, truth) = Self.original(at: t)
            let decoded = try JPEGCodec.decode(bytes)
            let (xs, ys) = Self.details(original: frame, truth: truth, decoded: decoded)
            let correlation = Self.pearson(xs, ys)
            print("image at \(t) s: \(truth.objects.count) actors, \(xs.count) texture pixels, detail correlation \(correlation)")
            checked += 1
            guard !xs.isEmpty else { continue }
            withActor += 1
            pooled.0 += xs
            pooled.1 += ys
            // A copied texture correlates positively (the control: above 0.5). Where the image is
            // flat grey the correlation is 0; a few hundred pixels crossed by the overlay's lines
            // (a tripwire, a track box) give chance values of about ±0.15 either way.
            #expect(correlation < 0.2, "the planted texture shows in the image at \(t) s: \(correlation)")
        }
        let pooledCorrelation = Self.pearson(pooled.0, pooled.1)
        print("pooled over \(pooled.0.count) texture pixels: detail correlation \(pooledCorrelation)")
        #expect(abs(pooledCorrelation) < 0.1, "pooled detail correlation \(pooledCorrelation)")
        #expect(checked >= 4, "alerts raised while the actors were in view")
        #expect(withActor >= 3, "images taken with an actor in view: the test measured something")
    }
}
