import Foundation
import Testing
@testable import VigieCore
import VigieIO

/// What issue 17 found as a new user and an integrator: each case would have caught its fault
/// (wrong frame rate, exit 0 after 0 frames, silent truncation, unknown extensions, unnamed
/// scene files, Foundation error codes, missing hints, silent camera skips, a fact said twice,
/// the root's usage for `run`'s errors, a closed pipe, progress where nobody reads it).
@Suite("vigie for integrators and new users", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct IntegratorExperienceTests {
    static func temporary(_ name: String) -> String {
        NSTemporaryDirectory() + "vigie-cli-ix-" + UUID().uuidString + "-" + name
    }

    /// A Y4M clip of uniform grey frames at `rate` frames per second.
    static func clip(frames: Int, rate: (Int, Int), width: Int = 64, height: Int = 48) throws -> String {
        let path = temporary("clip.y4m")
        let writer = try Y4MWriter(path: path, framesPerSecond: rate)
        for index in 0..<frames {
            let frame = Frame(width: width, height: height, format: .ycbcr420, y: UInt8(60 + index % 3),
                              timestamp: Timestamp(frameIndex: index, framesPerSecond: Double(rate.0) / Double(rate.1)),
                              number: index + 1)
            // Synthetic grey frames (no person in them): wrapped only so the writer takes them.
            try writer.write(AnonymisedFrame(redacted: frame))
        }
        writer.close()
        return path
    }

    static func header(_ path: String) throws -> String {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        let bytes = try handle.read(upToCount: 200) ?? Data()
        return String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
    }

    static let scene = #"{"cameraID": "gate", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#

    @Test func renderAndAnonymiseWriteTheInputsFrameRate() throws {
        let clip = try Self.clip(frames: 12, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let rendered = Self.temporary("render.y4m"), anonymised = Self.temporary("anon.y4m")
        defer { for path in [rendered, anonymised] { try? FileManager.default.removeItem(atPath: path) } }
        let render = try CLI.run(["render", "--scene", scene, "--input", clip, "--output", rendered])
        #expect(render.status == 0, "\(render.stderr)")
        let renderedHeader = try Self.header(rendered)
        #expect(renderedHeader.contains(" F10:1 "), "\(renderedHeader)")
        let anonymise = try CLI.run(["anonymise", "--input", clip, "--output", anonymised])
        #expect(anonymise.status == 0, "\(anonymise.stderr)")
        let anonymisedHeader = try Self.header(anonymised)
        #expect(anonymisedHeader.contains(" F10:1 "), "\(anonymisedHeader)")

        // A JPEG folder carries no timing: --fps is the rate of the frames and of the output.
        let folder = Self.temporary("frames")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try CLI.run(["anonymise", "--input", clip, "--output", folder]).status == 0)
        let fromFolder = Self.temporary("folder.y4m")
        defer { try? FileManager.default.removeItem(atPath: fromFolder) }
        let r = try CLI.run(["anonymise", "--input", folder, "--output", fromFolder, "--fps", "8"])
        #expect(r.status == 0, "\(r.stderr)")
        let fromFolderHeader = try Self.header(fromFolder)
        #expect(fromFolderHeader.contains(" F8:1 "), "\(fromFolderHeader)")
    }

    @Test func noFrameProcessedIsAFailureAndLeavesNoEmptyOutput() throws {
        let folder = Self.temporary("not-jpeg")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("not a JPEG".utf8).write(to: URL(fileURLWithPath: folder + "/000001.jpg"))
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let out = Self.temporary("out.y4m"), tracks = Self.temporary("tracks.txt")
        defer { for path in [out, tracks] { try? FileManager.default.removeItem(atPath: path) } }
        for arguments in [["run", "--scene", scene, "--input", folder],
                          ["render", "--scene", scene, "--input", folder, "--output", out],
                          ["anonymise", "--input", folder, "--output", out],
                          ["track", "--input", folder, "--output", tracks]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 1, "\(arguments[0]): \(r.stderr)")
            #expect(r.stderr.contains("no frame could be read"), "\(arguments[0]): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out), "no 0-byte Y4M left behind")
        #expect(!FileManager.default.fileExists(atPath: tracks), "no empty tracks file left behind")
    }

    @Test func infoReportsATruncatedLastFrame() throws {
        let clip = try Self.clip(frames: 5, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let whole = try CLI.run(["info", clip])
        #expect(whole.status == 0 && whole.stdout.contains("frames: 5"), "\(whole.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        let cut = Self.temporary("cut.y4m")
        defer { try? FileManager.default.removeItem(atPath: cut) }
        try bytes.prefix(bytes.count - 1000).write(to: URL(fileURLWithPath: cut))
        let r = try CLI.run(["info", cut])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("frames: 4"), "the whole frames are still described: \(r.stdout)")
        #expect(r.stderr.contains("truncated") && r.stderr.contains("\(64 * 48 * 3 / 2 + 6 - 1000) bytes"), "\(r.stderr)")
    }

    @Test func anUnknownOutputExtensionIsAUsageError() throws {
        let clip = try Self.clip(frames: 3, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let mp4 = Self.temporary("out.mp4")
        for arguments in [["render", "--scene", scene, "--input", clip, "--output", mp4],
                          ["anonymise", "--input", clip, "--output", mp4]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 64, "\(arguments[0]): \(r.stderr)")
            #expect(r.stderr.contains("unknown extension .mp4"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: mp4), "no folder named out.mp4")
    }

    @Test func sceneErrorsNameTheFileAndJSONErrorsTheirPosition() throws {
        let folder = Self.temporary("scenes")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Self.scene.utf8).write(to: URL(fileURLWithPath: folder + "/gate.json"))
        try Data("{\n  \"cameraID\": \"north\",\n  \"zones\": [".utf8).write(to: URL(fileURLWithPath: folder + "/north.json"))
        let r = try CLI.run(["run", "--scenes", folder, "--inputs", "gate=/dev/null"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("north.json") && r.stderr.contains("line 3, column 13"), "\(r.stderr)")

        try Data(#"{"cameraID": "north", "zones": 3}"#.utf8).write(to: URL(fileURLWithPath: folder + "/north.json"))
        let typed = try CLI.run(["run", "--scenes", folder, "--inputs", "gate=/dev/null"])
        #expect(typed.status == 1 && typed.stderr.contains("north.json: zones"), "\(typed.stderr)")
    }

    @Test func aSceneWithNoInputIsAnErrorWithRunsUsage() throws {
        let folder = Self.temporary("scenes")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Self.scene.utf8).write(to: URL(fileURLWithPath: folder + "/gate.json"))
        try Data(Self.scene.replacingOccurrences(of: "gate", with: "north").utf8).write(to: URL(fileURLWithPath: folder + "/north.json"))
        let clip = try Self.clip(frames: 3, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let r = try CLI.run(["run", "--scenes", folder, "--inputs", "gate=\(clip)"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("no --inputs entry for camera north"), "\(r.stderr)")
        #expect(r.stderr.contains("vigie run ") && !r.stderr.contains("vigie <subcommand>"), "run's usage: \(r.stderr)")
        let unknown = try CLI.run(["run", "--scenes", folder, "--inputs", "gate=\(clip)", "south=\(clip)"])
        #expect(unknown.status == 64 && unknown.stderr.contains("vigie run ") && !unknown.stderr.contains("<subcommand>"),
                "\(unknown.stderr)")
    }

    @Test func messagesThatSayWhatToDo() throws {
        let folder = Self.temporary("journal-folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let journal = try CLI.run(["journal", "verify", folder])
        #expect(journal.status == 1 && journal.stderr.contains("is a folder") && !journal.stderr.contains("NSCocoaErrorDomain"),
                "\(journal.stderr)")

        let y422 = Self.temporary("422.y4m")
        defer { try? FileManager.default.removeItem(atPath: y422) }
        var bytes = Data("YUV4MPEG2 W8 H8 F10:1 Ip A1:1 C422\nFRAME\n".utf8)
        bytes.append(Data(repeating: 128, count: 8 * 8 * 2))
        try bytes.write(to: URL(fileURLWithPath: y422))
        let info = try CLI.run(["info", y422])
        #expect(info.status == 1 && info.stderr.contains("-pix_fmt yuv420p"), "\(info.stderr)")

        let clip = try Self.clip(frames: 3, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let tracks = Self.temporary("tracks.txt")
        defer { try? FileManager.default.removeItem(atPath: tracks) }
        let track = try CLI.run(["track", "--input", clip, "--output", tracks, "--scene", "/nonexistent/scene.json"])
        #expect(track.status == 1 && track.stderr.contains("/nonexistent/scene.json") && track.stderr.contains("no such file"),
                "\(track.stderr)")
    }

    @Test func aFailedCameraSaysItsFactOnce() throws {
        let clip = try Self.clip(frames: 10, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))
        let broken = Self.temporary("broken.y4m")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try bytes.prefix(bytes.count / 2 + 100).write(to: URL(fileURLWithPath: broken))
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let r = try CLI.run(["run", "--scene", scene, "--input", broken])
        #expect(r.status == 1)
        #expect(r.stderr.components(separatedBy: "truncated").count == 2, "the reason once: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("vigie: ") }, "one format: \(r.stderr)")

        let json = try CLI.run(["run", "--scene", scene, "--input", broken, "--log-format", "json"])
        #expect(json.status == 1)
        let lines = json.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] },
                "every stderr line is a JSON object: \(json.stderr)")
        #expect(json.stderr.components(separatedBy: "truncated").count == 2, "\(json.stderr)")
    }

    @Test func infoOnStdinReadsTheStreamToItsEnd() throws {
        signal(SIGPIPE, SIG_IGN)
        let clip = try Self.clip(frames: 40, rate: (10, 1), width: 160, height: 120)
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clip))  // far more than a pipe holds
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["info", "-"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var writeError: (any Error)?
        do { try input.fileHandleForWriting.write(contentsOf: bytes) } catch { writeError = error }
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(writeError == nil, "the writer never meets a closed pipe: \(String(describing: writeError))")
        #expect(process.terminationStatus == 0 && text.contains("frame size: 160x120"), "\(text)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) (util-linux)"))
    func progressOnlyOnATerminalAndNotWithQuiet() throws {
        let clip = try Self.clip(frames: 60, rate: (10, 1))
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let out = Self.temporary("anon.y4m")
        defer { try? FileManager.default.removeItem(atPath: out) }
        // Not a terminal: the summary only.
        let piped = try CLI.run(["anonymise", "--input", clip, "--output", out])
        #expect(piped.status == 0 && piped.stderr.split(separator: "\n").count == 1, "\(piped.stderr)")
        #expect(!piped.stderr.contains("%") && !piped.stderr.contains("\r"))
        // A terminal (script(1) gives the command a pseudo-terminal): a bar with a percentage.
        let command = "\(CLI.binary) anonymise --input \(clip) --output \(out)"
        let tty = try Self.onATerminal(command)
        #expect(tty.contains("%") && tty.contains("frames, about"), "\(tty)")
        let quiet = try Self.onATerminal(command + " --quiet")
        #expect(!quiet.contains("%") && quiet.contains("frames anonymised"), "\(quiet)")
    }

    /// What `command` writes on its terminal (stdout and stderr), run under script(1).
    static func onATerminal(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }
}
