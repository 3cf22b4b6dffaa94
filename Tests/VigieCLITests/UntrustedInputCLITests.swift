import Foundation
import Testing
import Vigie
@testable import VigieCore

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21 end to end: crafted files, cut streams, binary garbage and the keyed journal, through
/// the built `vigie` binary.
@Suite("vigie: untrusted input and the keyed journal",
       .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct UntrustedInputCLITests {
    /// A run of the binary with its own peak resident set (`wait4`), wall time and output.
    struct Measured {
        var status: Int32
        var stderr: String
        var maxResidentBytes: Int
        var seconds: Double
    }

    /// Runs `vigie arguments` with stdout discarded and stderr captured in a file.
    static func measure(_ arguments: [String]) throws -> Measured {
        let errPath = NSTemporaryDirectory() + "vigie-cli-stderr-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([CLI.binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        guard posix_spawn(&pid, CLI.binary, &actions, nil, argv, environ) == 0 else {
            throw CocoaError(.executableLoad)
        }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let seconds = Date().timeIntervalSince(start)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Measured(status: (status >> 8) & 0xFF, stderr: stderr, maxResidentBytes: usage.ru_maxrss * 1024,
                        seconds: seconds)
    }

    static func jpeg(width: Int, height: Int) throws -> [UInt8] {
        let frame = Frame(width: width, height: height, format: .ycbcr420, y: 120)
        return try JPEGCodec.encode(AnonymisedFrame(redacted: frame))
    }

    /// `bytes` with the baseline SOF's height and width set.
    static func resized(_ bytes: [UInt8], width: Int, height: Int) -> [UInt8] {
        var out = bytes
        let s = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        out[s + 5] = UInt8(height >> 8); out[s + 6] = UInt8(height & 0xFF)
        out[s + 7] = UInt8(width >> 8); out[s + 8] = UInt8(width & 0xFF)
        return out
    }

    @Test func aHugeJPEGHeaderIsRefusedQuicklyWithBoundedMemory() throws {
        let folder = NSTemporaryDirectory() + "vigie-cli-huge-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = try Self.jpeg(width: 64, height: 48)
        let file = folder + "/in000002.jpg"
        try Data(Self.resized(good, width: 65000, height: 65000)).write(to: URL(fileURLWithPath: file))
        // Baseline: the same binary on a valid frame.
        let goodFile = folder + "/in000001.jpg"
        try Data(good).write(to: URL(fileURLWithPath: goodFile))
        let baseline = try Self.measure(["info", goodFile])
        #expect(baseline.status == 0, "\(baseline.stderr)")

        let info = try Self.measure(["info", file])
        #expect(info.status == 1)
        #expect(info.stderr.contains(file) && info.stderr.contains("65000x65000") && info.stderr.contains("over the decode limits"),
                "\(info.stderr)")
        // Issue 21 measured 45 s and 4.2 GB here.
        #expect(info.seconds < 5, "\(info.seconds) s")
        #expect(info.maxResidentBytes - baseline.maxResidentBytes < 64 << 20,
                "peak \(info.maxResidentBytes >> 20) MiB against \(baseline.maxResidentBytes >> 20) MiB for a valid frame")

        // `run` on the folder: the frame is skipped, the others run.
        try Data(good).write(to: URL(fileURLWithPath: folder + "/in000003.jpg"))
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "rules": [{"id": "t", "kind": "tamper"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let run = try Self.measure(["run", "--scene", scene, "--input", folder])
        #expect(run.status == 0 && run.stderr.contains("65000x65000") && run.stderr.contains("2 frames"), "\(run.stderr)")
        #expect(run.maxResidentBytes - baseline.maxResidentBytes < 64 << 20 && run.seconds < 10)
    }

    @Test func aY4MCutInsideTheFrameMarkerFailsLikeACutInsideTheData() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        let frameBytes = 160 * 120 * 3 / 2
        let lastMarker = bytes.count - frameBytes - 6
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "rules": [{"id": "t", "kind": "tamper"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        var results: [(status: Int32, message: String)] = []
        for cut in [lastMarker + 3, lastMarker + 6 + 1000] {
            let path = clip + ".cut\(cut).y4m"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run(["run", "--scene", scene, "--input", path])
            let message = r.stderr.split(separator: "\n").first { $0.contains("truncated") }.map(String.init) ?? r.stderr
            results.append((r.status, message))
        }
        #expect(results[0].status == 1 && results[1].status == results[0].status, "\(results)")
        #expect(results.allSatisfy { $0.message.contains("frame 88 is truncated") }, "\(results)")
    }

    @Test func stderrNeverCarriesRawInputBytes() throws {
        var bytes = Array("YUV4MPEG2 W8 H8 F10:1 C420jpeg\nFRAME\n".utf8) + [UInt8](repeating: 16, count: 96)
        bytes += [0x1B, 0x5B, 0x32, 0x4A, 0x9B, 0x00, 0x0A]
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "rules": [{"id": "t", "kind": "tamper"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let r = try CLI.run(["run", "--scene", scene, "--input", "-"], stdin: Data(bytes))
        #expect(r.status == 1)
        #expect(r.stderr.contains(#"expected FRAME, got '\x1B[2J\x9B\x00'"#), "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0 || $0 == "\u{FFFD}" })
        // First bytes of an unrecognised stream, quoted escaped too.
        let garbage = try CLI.run(["info", "-"], stdin: Data([0x1B, 0x5D, 0x30, 0x3B, 0x07, 0x41]))
        #expect(garbage.status == 1 && garbage.stderr.contains(#"\x1B]0;\x07A"#), "\(garbage.stderr)")
    }

    @Test func aRunThatFailsOnItsInputCreatesNoJournal() throws {
        let folder = NSTemporaryDirectory() + "vigie-cli-nojournal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/notes.txt"
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: input))
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "rules": [{"id": "t", "kind": "tamper"}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let journal = folder + "/alerts.journal"
        let r = try CLI.run(["run", "--scene", scene, "--input", input, "--journal", journal])
        #expect(r.status == 1 && r.stderr.contains("unrecognised input"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(!FileManager.default.fileExists(atPath: journal + ".key"))
    }

    @Test func theRunJournalIsKeyedAndVerifyNeedsTheKey() throws {
        let folder = NSTemporaryDirectory() + "vigie-cli-keyed-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "zones": [{"id": "yard", "polygon": [{"x": 0.6, "y": 0.3}, {"x": 0.98, "y": 0.3}, {"x": 0.98, "y": 0.98}, {"x": 0.6, "y": 0.98}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "yard", "minDuration": 1}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let journal = folder + "/alerts.journal"
        let run = try CLI.run(["run", "--scene", scene, "--input", clip, "--journal", journal])
        #expect(run.status == 0, "\(run.stderr)")
        let keyPath = journal + ".key"
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        #expect(mode == 0o600)

        let verified = try CLI.run(["journal", "verify", journal])  // the key beside the journal
        #expect(verified.status == 0 && verified.stdout.hasPrefix("OK: ") && verified.stdout.contains("authenticated"),
                "\(verified.stdout)\(verified.stderr)")
        // Forged: an alert's phase changed and every hash recomputed.
        let lines = JournalFixturesCLI.lines(try Data(contentsOf: URL(fileURLWithPath: journal)))
        let index = try #require(lines.firstIndex { $0.contains(#""phase":"started""#) })
        let forged = JournalFixturesCLI.rehash(lines, editing: index) {
            $0.replacingOccurrences(of: #""phase":"started""#, with: #""phase":"updated""#)
        }
        let forgedPath = folder + "/forged.journal"
        try forged.joined().write(toFile: forgedPath, atomically: true, encoding: .utf8)
        let tampered = try CLI.run(["journal", "verify", forgedPath, "--key", keyPath])
        #expect(tampered.status == 1 && tampered.stdout.hasPrefix("TAMPERED: line \(index + 1): entry forged"),
                "\(tampered.stdout)")
        // Without the key: the chain holds, but the verdict is not OK.
        let unverified = try CLI.run(["journal", "verify", forgedPath])
        #expect(unverified.status == 1 && unverified.stdout.hasPrefix("UNVERIFIED"), "\(unverified.stdout)")
        // A wrong key.
        let wrong = folder + "/wrong.key"
        try JournalKey.generate().write(to: wrong)
        let wrongKey = try CLI.run(["journal", "verify", journal, "--key", wrong])
        #expect(wrongKey.status == 1 && wrongKey.stdout.hasPrefix("TAMPERED: line 1: entry authenticated by key"),
                "\(wrongKey.stdout)")
        // A second run continues the chain with the same key.
        #expect(try CLI.run(["run", "--scene", scene, "--input", clip, "--journal", journal]).status == 0)
        #expect(try CLI.run(["journal", "verify", journal]).status == 0)
        #expect(try CLI.run(["run", "--scene", scene, "--input", clip, "--journal", journal, "--journal-key", wrong]).status == 1)
    }
}

/// Line editing for the CLI journal tests (as `JournalKeyTests` does for the library).
enum JournalFixturesCLI {
    static func lines(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").map { String($0) + "\n" }
    }

    static func rehash(_ lines: [String], editing index: Int, _ edit: (String) -> String) -> [String] {
        var out = lines
        var previous: String? = index > 0 ? Journal.sha256Hex(Array(out[index - 1].dropLast().utf8)) : nil
        for i in index..<lines.count {
            var text = String(out[i].dropLast())
            if i == index { text = edit(text) }
            if let previous, i > index || index > 0 {
                text = text.replacingOccurrences(
                    of: #""previousHash":"[0-9a-f]{64}""#, with: #""previousHash":"\#(previous)""#,
                    options: .regularExpression)
            }
            let headerEnd = text.range(of: #"^\{"hash":"[0-9a-f]{64}",("mac":"[0-9a-f]{64}",)?"#, options: .regularExpression)!
            let hash = Journal.sha256Hex(Array(("{" + text[headerEnd.upperBound...]).utf8))
            text = #"{"hash":""# + hash + text[text.index(text.startIndex, offsetBy: 73)...]
            out[i] = text + "\n"
            previous = Journal.sha256Hex(Array(text.utf8))
        }
        return out
    }
}
