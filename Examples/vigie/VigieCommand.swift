import ArgumentParser
import Foundation
import Logging
import Vigie

@main
struct VigieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Privacy-preserving video analytics: alerts on predetermined events, never identification.",
        discussion: """
            INPUT is a folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for standard input \
            (Y4M or MJPEG, detected from the first bytes). Any camera works through ffmpeg:
              ffmpeg -i rtsp://… -f yuv4mpegpipe -pix_fmt yuv420p - | vigie info -

            Every subcommand also takes --log-format text|json (messages on stderr as `vigie: …` \
            lines, the default, or one JSON object per line for machines) and --quiet (no progress). \
            Progress is a bar with percentage and estimate when the frame count is known, a count on \
            live streams, and nothing when stderr is not a terminal.

            Exit status: 0 done; 1 runtime failure (an input or file that cannot be read or written, \
            no frame processed, a camera that failed); 64 usage error; 75 events a webhook did not \
            receive (`run --webhook`, `deliver`: they are kept in the events file for `vigie deliver`).
            """,
        subcommands: [Demo.self, Info.self, Motion.self, Eval.self, Run.self, Serve.self, Report.self, Deliver.self, Track.self, ValidateScene.self, Anonymise.self, Render.self, JournalCommand.self])
}

extension VigieCommand {
    /// Takes the output options out of the arguments, installs the one log handler, then runs.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let (options, error) = OutputOptions.extract(from: &arguments)
        outputOptions = options
        LoggingSystem.bootstrap { _ in VigieLogHandler(format: options.format) }
        if let error {
            exit(withError: ValidationError(error))
        }
        await main(arguments)
    }
}

/// Logs a typed error's message (`vigie: MESSAGE` on stderr) and exits 1 (runtime failure).
func fail(_ error: any Error) -> ExitCode {
    cliLogger.error("\(error)")
    return ExitCode(1)
}

/// Logs a line (a fact, a warning, a summary) on stderr: `vigie: TEXT`, or JSON.
func note(_ text: String, level: Logger.Level = .notice) {
    cliLogger.log(level: level, "\(text.hasPrefix("vigie: ") ? String(text.dropFirst(7)) : text)")
}

/// The Y4M frame rate to write for frames read from `source`: a Y4M input's own, otherwise the
/// rate its frames were timed at (`--fps`, the scene's hint, or 25).
func y4mRate(for source: any FrameSource, fps: Double) -> (numerator: Int, denominator: Int) {
    if let y4m = source as? Y4MSource { return (y4m.header.frameRateNumerator, y4m.header.frameRateDenominator) }
    if fps == fps.rounded() { return (Int(fps), 1) }
    return (Int((fps * 1000).rounded()), 1000)
}

/// OUT for images: `-`, a `.y4m` file, or a folder (an existing one, or a name with no
/// extension). Anything else (`x.mp4`) is a usage error rather than a folder of that name.
func validateImageOutput(_ output: String) throws {
    guard output != "-", !output.lowercased().hasSuffix(".y4m") else { return }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
            throw ValidationError("--output \(output) exists and is not a folder; give a .y4m file, - or a folder")
        }
        return
    }
    let ext = URL(fileURLWithPath: output).pathExtension
    guard ext.isEmpty else {
        throw ValidationError("--output \(output): unknown extension .\(ext); give a .y4m file, - for Y4M on stdout, "
                              + "or a folder for JPEG frames (encode to .\(ext) with ffmpeg -i out.y4m out.\(ext))")
    }
}

/// A run that processed no frame: its output (a file made for it, an emptied folder) is removed
/// and the failure said (exit 1).
func noFrames(from input: String, output: String?, createdFolder: Bool = false) -> ExitCode {
    if let output, output != "-" {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) {
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: output).isEmpty) ?? false
            if !isDirectory.boolValue || (createdFolder && empty) { try? FileManager.default.removeItem(atPath: output) }
        }
    }
    return fail(NoFramesError(input: input))
}

/// No frame could be read from an input.
struct NoFramesError: Error, CustomStringConvertible {
    var input: String
    var description: String { "\(input == "-" ? "stdin" : input): no frame could be read (nothing was processed)" }
}

/// The frame count of a file input (for progress), nil for stdin, live inputs or when unknown.
func knownFrameCount(_ input: String) -> Int? {
    guard input != "-", !Run.isLive(input) else { return nil }
    return try? InputDescription.inspect(input).frameCount
}

/// Opens INPUT for analysis at 1/`scale` of its size, and reports the full size when scaled
/// (masks and tracks are written at the input's resolution). Errors leave as `fail` exit codes.
func openForAnalysis(_ input: String, scale: Int, fps: Double) throws -> (source: any FrameSource,
                                                                          fullSize: (width: Int, height: Int)?) {
    let dctScale = DCTScale(rawValue: scale) ?? .full
    do {
        var fullSize: (width: Int, height: Int)? = nil
        if dctScale != .full {
            guard input != "-" else { throw ValidationError("--scale needs a file input") }
            let description = try InputDescription.inspect(input)
            fullSize = (description.width, description.height)
        }
        return (try FrameInput.open(input, format: .ycbcr420, scale: dctScale, framesPerSecond: fps), fullSize)
    } catch let error as ValidationError {
        throw error
    } catch {
        throw fail(error)
    }
}

/// A scene file that cannot be used, named (under `run --scenes DIR` there are many).
struct SceneFileProblem: Error, CustomStringConvertible {
    var file: String
    var error: any Error
    var description: String {
        let message = "\(error)"
        return message.contains(file) ? message : "\(file): \(message)"
    }
}

/// A usage error found while running (after parsing): the message and `vigie run`'s usage on
/// stderr, exit 64, as ArgumentParser does for errors found while parsing.
func usageError(_ message: String) -> ExitCode {
    cliLogger.error("\(message)")
    let help = VigieCommand.helpMessage(for: Run.self)
    if let start = help.range(of: "USAGE:") {
        let usage = help[start.lowerBound...].prefix { $0 != "\n" }
        FileHandle.standardError.write(Data((usage + "\n  See 'vigie run --help' for more information.\n").utf8))
    }
    return ExitCode(64)
}
