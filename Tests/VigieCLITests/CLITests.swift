import Foundation
import SharedTestData
import Testing
@testable import VigieCore
import VigieIO
import VigieSimulator

/// Runs the built `vigie` binary, as a user would.
enum CLI {
    /// The build products folder that holds the test bundle also holds `vigie`.
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("vigie").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "vigie"
    }()

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        // Writing to a child that exited early raises SIGPIPE, whose default action ends the whole
        // test process without a word: ignore it (the write then fails, and the test says so).
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    static var sharedData: String { SharedTestData.root }
    static var hasSharedData: Bool { FileManager.default.fileExists(atPath: sharedData + "/cdnet/baseline/highway") }
}

@Suite("vigie CLI", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct CLITests {
    @Test func infoOnTheBuiltInSample() throws {
        let r = try CLI.run(["info", "--sample"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("frame size: 640x360") && r.stdout.contains("frames: 25"))
    }

    @Test func infoCPUNamesThePathAndObeysVIGIE_CPU() throws {
        let automatic = try CLI.run(["info", "--cpu"], environment: ["VIGIE_CPU": ""])
        #expect(automatic.status == 0)
        let supported = CPUPath.supported.map(\.rawValue)
        #expect(automatic.stdout.contains("cpu path: \(supported.last!)\n"), "\(automatic.stdout)")
        #expect(automatic.stdout.contains("supported: " + supported.joined(separator: ", ")))
        for path in supported {
            let forced = try CLI.run(["info", "--cpu"], environment: ["VIGIE_CPU": path])
            #expect(forced.status == 0 && forced.stdout.contains("cpu path: \(path)\nsupported:"), "\(forced.stdout)")
        }
        let unknown = try CLI.run(["info", "--cpu"], environment: ["VIGIE_CPU": "sse9"])
        #expect(unknown.status == 0 && unknown.stdout.contains("cpu path: \(supported.last!)\n")
                && unknown.stdout.contains("VIGIE_CPU: sse9 (not a path"), "\(unknown.stdout)")
        for path in CPUPath.allCases where !path.isSupported {
            let refused = try CLI.run(["info", "--cpu"], environment: ["VIGIE_CPU": path.rawValue])
            #expect(refused.stdout.contains("VIGIE_CPU: \(path.rawValue) (this processor cannot run it"))
        }
        #expect(try CLI.run(["info", "--cpu", "--sample"]).status == 64)
    }

    @Test func usageErrorExits64() throws {
        #expect(try CLI.run(["info"]).status == 64)
        #expect(try CLI.run(["info", "--no-such-flag", "x"]).status == 64)
    }

    @Test func corruptInputExits1WithMessage() throws {
        let path = NSTemporaryDirectory() + "vigie-cli-corrupt.jpg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A]).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["info", path])
        #expect(r.status == 1 && r.stderr.contains("corrupt"))
        let missing = try CLI.run(["info", "/nonexistent/folder"])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"))
    }

    @Test func stdinIsDetectedAsY4M() throws {
        let header = "YUV4MPEG2 W8 H4 F10:1 C420jpeg\n"
        var bytes = Data(header.utf8)
        for _ in 0..<3 { bytes.append(Data("FRAME\n".utf8)); bytes.append(Data(count: 8 * 4 + 2 * 4 * 2)) }
        let r = try CLI.run(["info", "-"], stdin: bytes)
        #expect(r.status == 0 && r.stdout.contains("kind: y4m") && r.stdout.contains("frame rate: 10 fps"))
        let garbage = try CLI.run(["info", "-"], stdin: Data("hello".utf8))
        #expect(garbage.status == 1 && garbage.stderr.contains("unrecognised"))
    }

    @Test(.enabled(if: CLI.hasSharedData, "needs ../shared/data (CI always has it)"))
    func infoOnCDnetFolder() throws {
        let r = try CLI.run(["info", CLI.sharedData + "/cdnet/baseline/highway/input"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("kind: jpeg-folder") && r.stdout.contains("320x240") && r.stdout.contains("frames: 1700"))
    }
}

@Suite("vigie motion and eval", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct MotionCLITests {
    /// A small Y4M stream: flat grey with a bright square moving from frame 10 on.
    static func stream(frames: Int, width: Int = 64, height: Int = 48) -> Data {
        var bytes = Data("YUV4MPEG2 W\(width) H\(height) F25:1 Ip C420jpeg\n".utf8)
        for f in 0..<frames {
            bytes.append(Data("FRAME\n".utf8))
            for y in 0..<height {
                for x in 0..<width {
                    let inSquare = f >= 10 && x >= f && x < f + 12 && y >= 16 && y < 28
                    bytes.append(inSquare ? 230 : UInt8(90 + (x + y) % 7))
                }
            }
            bytes.append(Data(repeating: 128, count: 2 * (width / 2) * (height / 2)))
        }
        return bytes
    }

    @Test func writesOneMaskPerFrameNamedByFrameNumber() throws {
        let dir = NSTemporaryDirectory() + "vigie-motion-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "-in.y4m"
        defer { try? FileManager.default.removeItem(atPath: input) }
        try Self.stream(frames: 30).write(to: URL(fileURLWithPath: input))
        let r = try CLI.run(["motion", "--input", input, "--output", dir])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(names.count == 30 && names.first == "bin000001.pgm" && names.last == "bin000030.pgm")
        let pgm = try Data(contentsOf: URL(fileURLWithPath: dir + "/bin000030.pgm"))
        let header = Data("P5\n64 48\n255\n".utf8)
        #expect(pgm.prefix(header.count) == header && pgm.count == header.count + 64 * 48)
        let pixels = pgm.dropFirst(header.count)
        #expect(pixels.allSatisfy { $0 == 0 || $0 == 255 })
        // The square (x 29..<41, y 16..<28 at frame 30) is found, and little else.
        var inside = 0, outside = 0
        for (i, v) in pixels.enumerated() where v == 255 {
            let x = i % 64, y = i / 64
            if x >= 29 && x < 41 && y >= 16 && y < 28 { inside += 1 } else { outside += 1 }
        }
        #expect(inside >= 120 && outside <= 30, "inside \(inside) outside \(outside)")
        #expect(r.stderr.contains("30 masks written"))
    }

    @Test func scaledAnalysisWritesFullSizeMasks() throws {
        let folder = NSTemporaryDirectory() + "vigie-motion-scaled-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "-in.y4m"
        defer { try? FileManager.default.removeItem(atPath: input) }
        try Self.stream(frames: 12).write(to: URL(fileURLWithPath: input))
        let r = try CLI.run(["motion", "--input", input, "--output", folder, "--scale", "2", "--model", "sigma-delta"])
        #expect(r.status == 0, "\(r.stderr)")
        let pgm = try Data(contentsOf: URL(fileURLWithPath: folder + "/bin000012.pgm"))
        #expect(pgm.starts(with: Data("P5\n64 48\n255\n".utf8)))
    }

    @Test func usageErrorsExit64() throws {
        #expect(try CLI.run(["motion", "--input", "x", "--output", "y", "--scale", "3"]).status == 64)
        #expect(try CLI.run(["motion", "--input", "x", "--output", "y", "--model", "nope"]).status == 64)
        #expect(try CLI.run(["eval", "cdnet"]).status == 64)
    }

    @Test func evalOnMissingSequenceExits1() throws {
        let r = try CLI.run(["eval", "cdnet", "/nonexistent/sequence"])
        #expect(r.status == 1 && !r.stderr.isEmpty)
    }

    @Test(.enabled(if: CLI.hasSharedData, "needs ../shared/data (CI always has it)"),
          .enabled(if: CLI.isReleaseBuild, "whole-sequence run: release build only"))
    func evalCDnetPrintsTableAndJSON() throws {
        let r = try CLI.run(["eval", "cdnet", CLI.sharedData + "/cdnet/baseline/highway"])
        #expect(r.status == 0)
        let json = try #require(r.stdout.split(separator: "\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let f = try #require(object?["f_measure"] as? Double)
        #expect(f >= 0.93)
        for key in ["recall", "specificity", "fpr", "fnr", "pwc", "precision"] { #expect(object?[key] is Double) }
        #expect(r.stdout.contains("F-measure"))
    }
}

extension CLI {
    static var isReleaseBuild: Bool { SharedTestData.isReleaseBuild }
}

@Suite("vigie run, validate-scene and track", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct SceneCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A person walking across a 160x120 simulated scene, written as a Y4M file.
    static func walkerClip() throws -> String {
        let path = NSTemporaryDirectory() + "vigie-cli-walker-" + UUID().uuidString + ".y4m"
        let scene = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 11, seed: 5, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(9, 0.9, 0.8)])
        ])
        var simulator = SceneSimulator(scene)
        let writer = try Y4MWriter(path: path, framesPerSecond: (8, 1))
        // Test footage of a synthetic scene (no person in it): wrapped only so the writer takes it.
        while let frame = try simulator.next() { try writer.write(AnonymisedFrame(redacted: frame)) }
        writer.close()
        return path
    }

    static func sceneFile(_ json: String) throws -> String {
        let path = NSTemporaryDirectory() + "vigie-cli-scene-" + UUID().uuidString + ".json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func validateSceneAcceptsTheExamples() throws {
        for name in ["platform", "school-gate"] {
            let r = try CLI.run(["validate-scene", Self.repository.appendingPathComponent("Examples/scenes/\(name).json").path])
            #expect(r.status == 0 && r.stdout.hasPrefix("valid: camera "), "\(name): \(r.stderr)")
        }
    }

    @Test func validateSceneNamesTheFieldAndReason() throws {
        let path = try Self.sceneFile(#"{"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x": 0.1, "y": 0.1}, {"x": 0.2, "y": 0.1}]}], "rules": [{"id": "r", "kind": "intrusion", "zone": "quai-2"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try CLI.run(["validate-scene", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("zones[0].polygon") && r.stderr.contains(#"rules[0].zone: no zone named "quai-2""#), "\(r.stderr)")
        #expect(try CLI.run(["validate-scene"]).status == 64)
    }

    @Test func runPrintsOneCrossingAsJSONLines() throws {
        let clip = try Self.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try Self.sceneFile(#"{"cameraID": "gate", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let r = try CLI.run(["run", "--scene", scene, "--input", clip])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(r.stdout)")  // started and ended of one crossing
        let events = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.allSatisfy { $0?["kind"] as? String == "lineCrossed" && $0?["cameraID"] as? String == "gate" })
        #expect(events.first??["topic"] as? String == "tns1:RuleEngine/LineDetector/Crossed")
        let time = try #require(events.first??["time"] as? Double)
        #expect(abs(time - 6) <= 1)
    }

    @Test func runWritesEventsToAFile() throws {
        let clip = try Self.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try Self.sceneFile(#"{"cameraID": "gate", "zones": [{"id": "yard", "polygon": [{"x": 0.6, "y": 0.3}, {"x": 0.98, "y": 0.3}, {"x": 0.98, "y": 0.98}, {"x": 0.6, "y": 0.98}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "yard", "minDuration": 1}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let out = NSTemporaryDirectory() + "vigie-cli-events-" + UUID().uuidString + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run(["run", "--scene", scene, "--input", clip, "--events", out])
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let phases = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["phase"] as? String
        }
        #expect(phases.first == "started" && phases.last == "ended", "\(text)")
    }

    @Test func runRejectsAnInvalidScene() throws {
        let scene = try Self.sceneFile(#"{"cameraID": ""}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let r = try CLI.run(["run", "--scene", scene, "--input", "-"])
        #expect(r.status == 1 && r.stderr.contains("cameraID"))
    }

    @Test func trackWritesMOTChallengeLines() throws {
        let clip = try Self.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let out = NSTemporaryDirectory() + "vigie-cli-tracks-" + UUID().uuidString + ".txt"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run(["track", "--input", clip, "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(rows.count >= 20 && rows.allSatisfy { $0.count == 10 && $0[7] == "-1" && $0[8] == "-1" && $0[9] == "-1" })
        #expect(Set(rows.map { $0[1] }).count == 1, "one walker, one track id")
        let frames = rows.compactMap { Int($0[0]) }
        #expect(frames == frames.sorted() && frames.first! >= 1)
    }

    /// `--blobs` writes the tracker's input: one line per blob with an id of its own, on every
    /// tracked frame (the walker's blob is there before its track is confirmed).
    @Test func trackWritesBlobsWhenAsked() throws {
        let clip = try Self.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let out = NSTemporaryDirectory() + "vigie-cli-blobs-" + UUID().uuidString + ".txt"
        let tracksOut = out + ".tracks"
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: tracksOut) }
        let r = try CLI.run(["track", "--input", clip, "--output", out, "--blobs"])
        #expect(r.status == 0 && r.stderr.contains("blobs written"), "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(rows.allSatisfy { $0.count == 10 })
        let ids = rows.map { $0[1] }
        #expect(Set(ids).count == ids.count, "an id per blob")
        #expect(rows.allSatisfy { Int($0[1])! / 10000 == Int($0[0])! }, "id = frame × 10000 + index")
        _ = try CLI.run(["track", "--input", clip, "--output", tracksOut])
        let trackFrames = try String(contentsOfFile: tracksOut, encoding: .utf8).split(separator: "\n").count
        #expect(rows.count > trackFrames, "blobs on frames before the track is confirmed: \(rows.count) vs \(trackFrames)")
    }
}

extension SceneCLITests {
    /// `--detections` replays a det.txt: a detector's boxes are tracked from the first frames,
    /// while the background model is still warming up (2 s), which blobs alone never are.
    @Test func trackFollowsRecordedDetectionsFromTheFirstFrames() throws {
        let clip = try Self.walkerClip()
        let dets = NSTemporaryDirectory() + "vigie-cli-det-" + UUID().uuidString + ".txt"
        let out = dets + ".tracks"
        defer { for f in [clip, dets, out] { try? FileManager.default.removeItem(atPath: f) } }
        // A box walking right over the first 2 s (8 fps), as a person detector would report it.
        let lines = (1...16).map { n in "\(n),-1,\(10 + 3 * n),60,12,30,0.8,-1,-1,-1" }
        try lines.joined(separator: "\n").write(toFile: dets, atomically: true, encoding: .utf8)
        let r = try CLI.run(["track", "--input", clip, "--output", out, "--detections", dets, "--detections-only"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        let frames = rows.compactMap { Int($0[0]) }
        #expect(frames.contains { $0 <= 8 }, "tracked in the first second: \(frames)")
        #expect(Set(rows.map { $0[1] }).count == 1, "one box walking, one track")
        #expect(frames.allSatisfy { $0 <= 18 }, "detections only: the walker's blobs (from 3 s) are not tracked: \(frames)")
    }

    @Test func trackNamesTheBadLineOfADetectionFileAndNeedsOneForItsOptions() throws {
        let clip = try Self.walkerClip()
        let dets = NSTemporaryDirectory() + "vigie-cli-det-" + UUID().uuidString + ".txt"
        let out = dets + ".tracks"
        defer { for f in [clip, dets, out] { try? FileManager.default.removeItem(atPath: f) } }
        try "1,-1,10,60,12,30,0.8\n2,-1,ten,60,12,30,0.8\n".write(toFile: dets, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["track", "--input", clip, "--output", out, "--detections", dets])
        #expect(bad.status == 1 && bad.stderr.contains(dets + ":2: field 3 is not a number"), "\(bad.stderr)")
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--detections-only"]).status == 64)
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--detection-threshold", "0.5"]).status == 64)
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--detections", dets, "--detection-threshold", "nan"]).status == 64)
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--blobs", "--detections", dets]).status == 64)
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--detections", dets, "--person-model", dets]).status == 64)
    }

    /// `--person-model` reads the model first and names what is wrong with it.
    @Test func trackNamesWhatIsWrongWithAPersonModel() throws {
        let clip = try Self.walkerClip()
        let model = NSTemporaryDirectory() + "vigie-cli-model-" + UUID().uuidString + ".txt"
        let out = model + ".tracks"
        defer { for f in [clip, model, out] { try? FileManager.default.removeItem(atPath: f) } }
        let missing = try CLI.run(["track", "--input", clip, "--output", out, "--person-model", "/nonexistent/model.txt"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/model.txt: cannot read the person model"), "\(missing.stderr)")
        try "0.5\n1.5\n".write(toFile: model, atomically: true, encoding: .utf8)
        let short = try CLI.run(["track", "--input", clip, "--output", out, "--person-model", model])
        #expect(short.status == 1 && short.stderr.contains("(3781 numbers), found 2"), "\(short.stderr)")
        #expect(try CLI.run(["track", "--input", clip, "--output", out, "--blobs", "--person-model", model]).status == 64)
    }
}

@Suite("vigie demo", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct DemoCLITests {
    @Test(.enabled(if: CLI.isReleaseBuild, "renders 40 s of 640x360 video: release build only (.ci/run)"))
    func demoShowsAtLeastFiveEventKindsAndWritesARendering() throws {
        let out = NSTemporaryDirectory() + "vigie-demo-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run(["demo", "--json", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let kinds = Set(r.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String
        })
        #expect(kinds.count >= 5, "\(kinds)")
        let rendering = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(rendering.starts(with: Data("YUV4MPEG2 W640 H360".utf8)))
    }

    @Test func demoRejectsUnknownOptions() throws {
        #expect(try CLI.run(["demo", "--no-such-option"]).status == 64)
    }
}
