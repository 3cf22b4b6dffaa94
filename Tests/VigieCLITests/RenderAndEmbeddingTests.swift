import Foundation
import Testing
import VigieIO

/// `vigie render` (anonymised annotated output for any input and scene) and the embedding example
/// of `Documentation/Embedding.md`, run as users would.
@Suite("vigie render and the embedding example", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct RenderAndEmbeddingTests {
    static let scene = #"{"cameraID": "gate", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#

    @Test func renderWritesEveryFrameAnonymisedWithTheEvents() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let out = NSTemporaryDirectory() + "vigie-cli-render-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let events = NSTemporaryDirectory() + "vigie-cli-render-" + UUID().uuidString + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: events) }
        let r = try CLI.run(["render", "--scene", scene, "--input", clip, "--output", out, "--events", events])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("1 alerts"), "\(r.stderr)")
        var rendered = try Y4MSource(path: out)
        var original = try Y4MSource(path: clip)
        var count = 0
        while let frame = try rendered.next(), let source = try original.next() {
            #expect(frame.width == source.width && frame.height == source.height)
            count += 1
        }
        #expect(count == 88, "every input frame is rendered")
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "the crossing's started and ended events")
    }

    @Test func renderRejectsAMissingScene() throws {
        let r = try CLI.run(["render", "--scene", "/nonexistent.json", "--input", "-", "--output", "x.y4m"])
        #expect(r.status == 1 && r.stderr.contains("no such file"))
    }

    @Test func theEmbeddingExampleRunsTheSceneOnAnInput() throws {
        let binary = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("vigie-embedding-example").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "built with the package")
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let folder = NSTemporaryDirectory() + "vigie-embedding-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func run(_ input: String, events: String) throws -> (status: Int32, stdout: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [scene, input, events]
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        // Events go where they are told, and the file is emptied first (not appended run after run).
        let events = folder + "/out/events.jsonl"
        try FileManager.default.createDirectory(atPath: folder + "/out", withIntermediateDirectories: true)
        for _ in 0..<2 {
            let r = try run(clip, events: events)
            #expect(r.status == 0)
            #expect(r.stdout.contains("lineCrossed started rule cross"), "\(r.stdout)")
            let written = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
            #expect(written.count == 2)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out"], "nothing written in the working folder")

        // An input cut off while a situation is open: exit 1, and the situation is still ended.
        let intrusion = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "zones": [{"id": "east", "polygon": [{"x":0.5,"y":0.0},{"x":1,"y":0},{"x":1,"y":1},{"x":0.5,"y":1}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "east", "minDuration": 0.5}]}"#)
        defer { try? FileManager.default.removeItem(atPath: intrusion) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        let cut = folder + "/cut.y4m"
        try bytes.prefix(bytes.count * 3 / 4 + 100).write(to: URL(fileURLWithPath: cut))  // inside a frame, walker in the zone
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [intrusion, cut, events]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        let phases = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["phase"] as? String }
        #expect(phases.first == "started" && phases.last == "ended", "the open situation is ended: \(phases)")
    }

    @Test func statisticsModePrintsAggregatesAndRefusesImages() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "hall", "statisticsOnly": true, "statisticsInterval": 4, "zones": [{"id": "all", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "all"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let r = try CLI.run(["run", "--scene", scene, "--input", clip])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains(#""schema":"vigie.statistics/1""#) }, "\(r.stdout)")
        #expect(!r.stdout.contains("\"phase\""), "no alert")
        let refused = NSTemporaryDirectory() + "vigie-cli-refused-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: refused) }
        let render = try CLI.run(["render", "--scene", scene, "--input", clip, "--output", refused])
        #expect(render.status == 1 && render.stderr.contains("statistics mode"), "\(render.stderr)")
        let anonymise = try CLI.run(["anonymise", "--scene", scene, "--input", clip, "--output", refused])
        #expect(anonymise.status == 1 && anonymise.stderr.contains("statistics mode"), "\(anonymise.stderr)")
    }
}
