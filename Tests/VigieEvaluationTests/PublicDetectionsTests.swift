import Testing
import VigieBackground
import VigieCore
import VigieEvaluation
import VigiePipeline
import VigieSimulator
import VigieTracking

/// The MOT Challenge "public detections" protocol: a detector's boxes, recorded in a det.txt,
/// replayed into the tracker (`vigie track --detections`).
@Suite("Recorded MOT Challenge detections feed the tracker")
struct PublicDetectionsTests {
    @Test func aDetectionFileIsScaledThresholdedAndCut() throws {
        let boxes = try MOTChallengeFile.parse("""
            1,-1,10,20,30,60,0.9,-1,-1,-1
            1,-1,-8,4,20,40,2.5,-1,-1,-1
            2,-1,100,100,40,80,-0.3,-1,-1,-1
            3,-1,50,50,0.8,0.8,0.4,-1,-1,-1
            """)
        var detector = ReplayDetector(motChallengeBoxes: boxes, minimumScore: 0, scale: 2)
        let frame = { (n: Int) in Frame(luma: Plane(width: 80, height: 60), timestamp: Timestamp(seconds: Double(n)), number: n) }
        let first = try detector.detect(frame(1))
        #expect(first.map(\.box) == [PixelRect(x: 5, y: 10, width: 15, height: 30), PixelRect(x: 0, y: 2, width: 6, height: 20)])
        #expect(first.map(\.confidence) == [0.9, 1], "a score over 1 is clamped to 1")
        #expect(first.allSatisfy { $0.objectClass == "person" })
        #expect(try detector.detect(frame(2)).isEmpty, "a score under the threshold is left out")
        #expect(try detector.detect(frame(3)).isEmpty, "a box under a pixel at 1/2 scale is dropped")
        #expect(try detector.detect(frame(4)).isEmpty, "a frame with no line has no detection")
    }

    @Test func aValueOutOfRangeIsATypedErrorNamingTheLine() throws {
        #expect(throws: MOTFileError.invalidLine(path: "<text>", line: 2, reason: "a value is out of range (beyond ±10000000)")) {
            try MOTChallengeFile.parse("1,-1,10,20,30,60,0.9\n1,-1,1e19,0,10,10,1")
        }
        #expect(throws: MOTFileError.invalidLine(path: "<text>", line: 1, reason: "a value is out of range (beyond ±10000000)")) {
            try MOTChallengeFile.parse("100000000000000000000,-1,10,20,30,60,0.9")
        }
        // Boxes made in code are checked too: one out of range is left out, not a crash.
        var detector = ReplayDetector(motChallengeBoxes: [MOTBox(frame: 1, id: -1, left: 1e300, top: 0, width: 10, height: 10),
                                                          MOTBox(frame: 1, id: -1, left: .nan, top: 0, width: 10, height: 10)],
                                      scale: 0)
        #expect(try detector.detect(Frame(luma: Plane(width: 8, height: 8), timestamp: .zero, number: 1)).isEmpty)
    }

    @Test func anUnreadableDetectionFileIsATypedError() {
        #expect(throws: MOTFileError.unreadableFile(path: "/nonexistent/det.txt")) {
            try ReplayDetector(motChallengeFile: "/nonexistent/det.txt")
        }
    }

    /// A person walks from the first frame: with their boxes recorded as detections, the tracker
    /// follows them during the background model's warm-up, which blobs alone cannot.
    @Test func detectionsAreTrackedWhileTheModelWarmsUp() throws {
        let person = Actor(id: 1, kind: .person, path: [Waypoint(0, 0.1, 0.7), Waypoint(4, 0.9, 0.7)])
        let scene = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 4, seed: 5, actors: [person])
        var truth: [MOTBox] = []
        var recorder = SceneSimulator(scene)
        while let (frame, objects) = recorder.nextWithTruth() {
            for o in objects.objects {
                truth.append(MOTBox(frame: frame.number, id: o.id, left: Double(o.box.x), top: Double(o.box.y),
                                    width: Double(o.box.width), height: Double(o.box.height)))
            }
        }
        func run(detector: ReplayDetector?) throws -> (warmUpTracked: Int, boxes: [MOTBox]) {
            var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .pixels(15), detector: detector)
            pipeline.tracksBlobs = detector == nil
            var simulator = SceneSimulator(scene)
            var warmUpTracked = 0
            var boxes: [MOTBox] = []
            while let frame = try simulator.next() {
                guard let tracks = try pipeline.process(frame).tracks else { continue }
                if !pipeline.motion.model.isWarm { warmUpTracked += 1 }
                for t in tracks where t.state == .confirmed {
                    boxes.append(MOTBox(frame: frame.number, id: t.id, left: Double(t.box.x), top: Double(t.box.y),
                                        width: Double(t.box.width), height: Double(t.box.height)))
                }
            }
            return (warmUpTracked, boxes)
        }
        let blobsOnly = try run(detector: nil)
        #expect(blobsOnly.warmUpTracked == 0, "without a detector, no frame is tracked before the model is warm")
        let replayed = try run(detector: ReplayDetector(motChallengeBoxes: truth))
        #expect(replayed.warmUpTracked >= 19, "the 2 s warm-up at 10 fps is tracked: \(replayed.warmUpTracked) frames")
        let scores = MOTMetrics.evaluate(groundTruth: truth, hypotheses: replayed.boxes)
        #expect(scores.identitySwitches == 0)
        #expect(scores.falsePositives == 0)
        #expect(scores.mota >= 0.9, "confirmation costs the first frames only: \(scores.table)")
        #expect(MOTMetrics.evaluate(groundTruth: truth, hypotheses: blobsOnly.boxes).mota < scores.mota - 0.3,
                "blobs alone miss the warm-up")
    }
}
