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
        subcommands: [Info.self, Motion.self, Eval.self, Run.self, Track.self, ValidateScene.self, Anonymise.self])
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
