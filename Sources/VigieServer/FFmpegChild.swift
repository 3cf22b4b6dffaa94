import Foundation
import Logging

/// A supervised `ffmpeg` child turning any camera stream into Y4M on a pipe:
/// `ffmpeg -hide_banner -nostdin -loglevel warning <input arguments> -an -f yuv4mpegpipe -pix_fmt yuv420p -`.
///
/// Its standard error is read line by line on a thread of its own and logged (each line also goes
/// to `onErrorLine`, which the camera keeps as its last error). `terminate()` sends SIGTERM, then
/// SIGKILL after a second; `reap()` waits for the exit, so no zombie is left behind.
final class FFmpegChild: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    /// A path that opens the read end of the child's standard output (`/dev/fd/N`).
    let outputPath: String

    /// Starts ffmpeg with `inputArguments` (`["-i", "rtsp://…"]`).
    /// - Throws: `CameraInputError.cannotStartFFmpeg` when no `ffmpeg` can be run.
    init(inputArguments: [String], logger: Logger, onErrorLine: @escaping @Sendable (String) -> Void) throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-hide_banner", "-nostdin", "-loglevel", "warning"] + inputArguments
            + ["-an", "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", "-"]
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CameraInputError.cannotStartFFmpeg(reason: "\(Self.executable): \(error.localizedDescription)")
        }
        // The parent keeps only the read ends: the child's exit then reads as end of file.
        try? output.fileHandleForWriting.close()
        try? errors.fileHandleForWriting.close()
        outputPath = "/dev/fd/\(output.fileHandleForReading.fileDescriptor)"
        logger.info("ffmpeg started", metadata: ["vigie.pid": "\(process.processIdentifier)"])
        let handle = errors.fileHandleForReading
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    pending.removeSubrange(pending.startIndex...newline)
                    guard !line.isEmpty else { continue }
                    logger.warning("ffmpeg", metadata: ["vigie.ffmpeg": "\(line)"])
                    onErrorLine("ffmpeg: " + line)
                }
            }
        }
        reader.name = "vigie-ffmpeg-stderr"
        reader.start()
    }

    /// The `ffmpeg` to run: `$VIGIE_FFMPEG`, else the first on `PATH`.
    static var executable: String {
        if let path = ProcessInfo.processInfo.environment["VIGIE_FFMPEG"], !path.isEmpty { return path }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(folder)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/ffmpeg"
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// SIGTERM now, SIGKILL one second later if it is still running.
    func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { [process] in
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }

    /// Waits for the child to exit (after `terminate()` or its own end) and closes the pipes.
    func reap() {
        process.waitUntilExit()
        try? output.fileHandleForReading.close()
    }
}
