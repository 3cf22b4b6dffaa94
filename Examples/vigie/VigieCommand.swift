import ArgumentParser
import Foundation
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
            """,
        subcommands: [Demo.self, Info.self, Motion.self, Eval.self, Run.self, Serve.self, Report.self, Track.self, ValidateScene.self, Anonymise.self, Render.self, JournalCommand.self])
}

/// Prints a typed error's message on stderr and exits 1 (runtime failure).
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("vigie: \(error)\n".utf8))
    return ExitCode(1)
}

/// Prints a line on stderr (progress, warnings).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
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
