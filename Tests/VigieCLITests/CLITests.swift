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
