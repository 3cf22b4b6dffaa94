import Foundation
import Testing
import VigieIO
import Vigie
import VigieSimulator

/// `vigie run --scenes DIR --inputs CAMERA=INPUT …`: one pipeline per camera, each on its own
/// thread; a broken camera is reported (and a live one reopened) while the others go on.
@Suite("vigie run with many cameras", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct RunManyCamerasTests {
    static func scenesFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "vigie-cli-scenes-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for camera in ["north", "south"] {
            let json = #"{"cameraID": "\#(camera)", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#
            try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/\(camera).json"))
        }
        return folder
    }

    static func events(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func twoCamerasEachRaiseTheirOwnCrossing() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scenes = try Self.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let r = try CLI.run(["run", "--scenes", scenes, "--inputs", "north=\(clip)", "south=\(clip)"])
        #expect(r.status == 0, "\(r.stderr)")
        let cameras = Self.events(r.stdout).filter { $0["phase"] as? String == "started" }.compactMap { $0["cameraID"] as? String }
        #expect(cameras.sorted() == ["north", "south"], "\(r.stdout)")
    }

    @Test func aBrokenCameraIsReportedAndTheOtherGoesOn() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        let broken = NSTemporaryDirectory() + "vigie-cli-broken-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try bytes.prefix(bytes.count / 3 + 100).write(to: URL(fileURLWithPath: broken))  // cut inside a frame
        let scenes = try Self.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let r = try CLI.run(["run", "--scenes", scenes, "--inputs", "north=\(clip)", "south=\(broken)"])
        #expect(r.status == 1, "a failed camera makes the run fail: \(r.stderr)")
        #expect(r.stderr.contains("south: failed") && r.stderr.contains("truncated"), "\(r.stderr)")
        let north = Self.events(r.stdout).filter { $0["cameraID"] as? String == "north" }
        #expect(north.contains { $0["phase"] as? String == "started" }, "the healthy camera went on: \(r.stdout)")
    }

    @Test func aLiveInputThatBreaksIsReopened() throws {
        signal(SIGPIPE, SIG_IGN)
        let clipPath = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clipPath) }
        let clip = try Data(contentsOf: URL(fileURLWithPath: clipPath))
        let fifo = NSTemporaryDirectory() + "vigie-cli-fifo-" + UUID().uuidString + ".y4m"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // The "camera": first a stream that breaks off mid-frame, then, once reopened, a whole one.
        Thread.detachNewThread {
            if let first = FileHandle(forWritingAtPath: fifo) {
                try? first.write(contentsOf: clip.prefix(clip.count / 4 + 50))
                try? first.close()
            }
            // Let the reader see the break and close its end before the camera "comes back";
            // the reader reopens after its 1 s back-off.
            Thread.sleep(forTimeInterval: 0.5)
            if let second = FileHandle(forWritingAtPath: fifo) {
                try? second.write(contentsOf: clip)
                try? second.close()
            }
        }
        let scenes = try Self.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        try FileManager.default.removeItem(atPath: scenes + "/north.json")  // every scene needs an input
        let r = try CLI.run(["run", "--scenes", scenes, "--inputs", "south=\(fifo)", "--retries", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("truncated"), "the break is reported: \(r.stderr)")
        let crossings = Self.events(r.stdout).filter { $0["phase"] as? String == "started" }
        #expect(crossings.count == 1, "the reopened stream's crossing: \(r.stdout)")
    }

    @Test func theJournalRecordsTheScenesAndEveryEventAndVerifies() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let journal = NSTemporaryDirectory() + "vigie-cli-journal-" + UUID().uuidString + ".jsonl"
        defer {
            try? FileManager.default.removeItem(atPath: journal)
            try? FileManager.default.removeItem(atPath: JournalKey.defaultPath(forJournal: journal))
        }
        let scenes = try Self.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let r = try CLI.run(["run", "--scenes", scenes, "--inputs", "north=\(clip)", "south=\(clip)",
                             "--journal", journal])
        #expect(r.status == 0, "\(r.stderr)")
        let printed = Self.events(r.stdout).count
        let verify = try CLI.run(["journal", "verify", journal])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("OK: \(printed + 2) entries"),
                "two configuration entries and every event: \(verify.stdout) \(verify.stderr)")
    }
}
