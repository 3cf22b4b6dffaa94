import ArgumentParser
import Dispatch
import Foundation
import Vigie

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an input's kind, frame size, chroma format and frame count (or frame rate for streams).",
        discussion: """
            A Y4M file whose size is not a whole number of frames (a copy cut short) is described, with \
            its whole frames counted, and then reported as truncated: exit status 1, since `run` and the \
            other commands stop with an error at that last frame. With - (stdin), the description is \
            printed at once and the stream is then read to its end, so that the writer (ffmpeg) never \
            meets a closed pipe; on a live stream, stop it with Ctrl-C (status 0).
            """)

    @Argument(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String?

    @Flag(help: "Describe a built-in generated test frame instead of an input (needs no file).")
    var sample = false

    @Flag(help: """
        Print the instruction-set path the pixel kernels run on (chosen at start: the best this \
        processor runs, or VIGIE_CPU=baseline|avx2|avx512 when it runs that one) and the paths it runs.
        """)
    var cpu = false

    func validate() throws {
        if [sample, input != nil, cpu].filter({ $0 }).count != 1 {
            throw ValidationError("give exactly one of INPUT, --sample or --cpu")
        }
    }

    func run() throws {
        if cpu {
            Self.describeCPU()
            return
        }
        if sample {
            try describeSample()
            return
        }
        let description: InputDescription
        do {
            description = try InputDescription.inspect(input!)
        } catch {
            throw fail(error)
        }
        print("input: \(input!)")
        print("kind: \(description.kind.rawValue)")
        print("frame size: \(description.width)x\(description.height)")
        print("chroma: \(description.chroma)")
        if let count = description.frameCount { print("frames: \(count)") }
        if let fps = description.framesPerSecond { print("frame rate: \(formatRate(fps)) fps") }
        if input == "-" {
            fflush(nil)
            try drainStandardInput()
        } else if description.kind == .y4m, let extra = Self.y4mTrailingBytes(input!), extra > 0 {
            throw fail(TruncatedInput(path: input!, bytes: extra))
        }
    }

    /// `vigie info --cpu`: the path in use, the paths this processor runs, and what VIGIE_CPU asked.
    static func describeCPU() {
        let path = CPUPath.inUse
        print("cpu path: \(path.rawValue)")
        print("supported: " + CPUPath.supported.map(\.rawValue).joined(separator: ", "))
        switch CPUPath.requested {
        case nil:
            print("VIGIE_CPU: not set (the best path is used)")
        case let name? where name == path.rawValue:
            print("VIGIE_CPU: \(name)")
        case let name?:
            let known = CPUPath(rawValue: name) != nil
            print("VIGIE_CPU: \(name) (" + (known ? "this processor cannot run it" : "not a path: baseline, avx2 or avx512")
                  + "; the best path is used)")
        }
    }

    /// Bytes after the last whole frame of a Y4M file (a truncated last frame), nil if unknown.
    static func y4mTrailingBytes(_ path: String) -> Int? {
        guard let source = try? Y4MSource(path: path),
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        guard let newline = head.firstIndex(of: 0x0A) else { return nil }
        return (size - (newline + 1)) % (source.header.frameBytes + 6)
    }

    /// Reads stdin to its end (the writer never meets a closed pipe); a signal stops it cleanly.
    private func drainStandardInput() throws {
        let stop = SignalWatch(signals: [SIGINT, SIGTERM])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n == 0 || (n < 0 && errno != EINTR) { break }
            }
            done.signal()
        }
        while done.wait(timeout: .now() + 0.1) == .timedOut {
            if stop.wait(timeout: 0) != nil { return }
        }
    }

    /// Generates a test card, round-trips it through the Y4M reader, and describes it.
    private func describeSample() throws {
        let card = TestCard.y4mStream(width: 640, height: 360, frames: 25)
        let description: InputDescription
        var source: Y4MSource
        do {
            source = try Y4MSource(bytes: card, name: "built-in test card")
            var frames = 0
            while try source.next() != nil { frames += 1 }
            description = InputDescription(kind: .y4m, width: source.header.width, height: source.header.height,
                                           chroma: "YCbCr 4:2:0 (C\(source.header.colourSpace))", frameCount: frames,
                                           framesPerSecond: source.header.framesPerSecond)
        } catch {
            throw fail(error)
        }
        print("input: built-in test card (generated in memory)")
        print("kind: \(description.kind.rawValue)")
        print("frame size: \(description.width)x\(description.height)")
        print("chroma: \(description.chroma)")
        print("frames: \(description.frameCount!)")
        print("frame rate: \(formatRate(description.framesPerSecond!)) fps")
    }
}

func formatRate(_ fps: Double) -> String {
    fps == fps.rounded() ? String(Int(fps)) : String(format: "%.3f", fps)
}

/// A Y4M file that ends inside a frame.
struct TruncatedInput: Error, CustomStringConvertible {
    var path: String
    var bytes: Int
    var description: String {
        "\(path): truncated: the last frame is incomplete (\(bytes) bytes after the last whole frame are ignored, "
            + "and `run` stops with an error there)"
    }
}
