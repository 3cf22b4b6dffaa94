import Foundation
import Testing

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

    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
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

    static let sharedData: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data").path
    static var hasSharedData: Bool { FileManager.default.fileExists(atPath: sharedData + "/cdnet/baseline/highway") }
}

@Suite("vigie CLI", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct CLITests {
    @Test func infoOnTheBuiltInSample() throws {
        let r = try CLI.run(["info", "--sample"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("frame size: 640x360") && r.stdout.contains("frames: 25"))
    }

    @Test func usageErrorExits64() throws {
        #expect(try CLI.run(["info"]).status == 64)
        #expect(try CLI.run(["info", "--no-such-flag", "x"]).status == 64)
    }

    @Test func corruptInputExits1WithMessage() throws {
        let path = NSTemporaryDirectory() + "vigie-cli-corrupt.jpg"
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
        let input = dir + "-in.y4m"
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
        let input = folder + "-in.y4m"
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
    static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
}
