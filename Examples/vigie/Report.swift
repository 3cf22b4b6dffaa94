import ArgumentParser
import Foundation
import Vigie
import VigieReport

extension ReportLanguage: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Dry-run a scene on recorded footage and write what it would have raised as one HTML page.",
        discussion: """
            For integrators tuning a camera before it goes live. The scene's rules run as in `vigie run` \
            (the same events) and the page shows: a timeline with one lane per rule, a table of every \
            would-be alert with its anonymised snapshot, measurements and the rule's thresholds, zone \
            occupancy and density over time, a heat map of where people walked over an anonymised frame, \
            and tuning hints (alerts recurring at one place, rules that never fired, skipped frames, \
            warm-up time). The page is self-contained (images inline, no script, no external file): \
            mail it or archive it. Only anonymised images are in it. See Documentation/Report.md.
            """)

    @Option(help: "The camera's scene file (JSON).")
    var scene: String

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "The HTML file to write.")
    var output: String

    @Option(help: "Language of the labels: en or fr.")
    var language: ReportLanguage = .en

    @Option(help: "Also append the events to this JSON Lines file.")
    var events: String?

    @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BackgroundModelKind = .adaptive

    @Option(help: "Redaction of the images: \(AnonymisationMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var mode: AnonymisationMode = .silhouette

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG); default: the scene's hint, else 25.")
    var fps: Double?

    func validate() throws {
        if let fps, fps <= 0 { throw ValidationError("--fps must be positive") }
    }

    func run() throws {
        let started = DispatchTime.now()
        var recorder: ReportRecorder
        var source: any FrameSource
        var sink: JSONLinesSink?
        do {
            let data = try readScene(scene)
            var configuration = ReportRecorder.Configuration()
            configuration.anonymisation = mode
            recorder = try ReportRecorder(sceneData: data, sceneName: scene, model: model.makeModel(),
                                          configuration: configuration)
            source = try FrameInput.open(input, format: .ycbcr420, framesPerSecond: fps ?? recorder.scene.frameRate ?? 25)
            sink = try events.map { try JSONLinesSink(path: $0, mode: .append) }
        } catch {
            throw fail(error)
        }
        for (id, reason) in recorder.pipeline.rules.unsupported { note("vigie: rule \(id) skipped: \(reason)") }
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { recorder.noteSkippedFrame(reason: "\($0)") }) {
                for event in try recorder.process(frame) { try sink?.send(event) }
            }
            for event in try recorder.finish() { try sink?.send(event) }
            try sink?.flush()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let report = recorder.report(inputName: input, elapsedSeconds: elapsed)
            let html = report.html(language: language)
            do {
                try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw WriteError(path: output, reason: "cannot write the report (\(error.localizedDescription))")
            }
            note(String(format: "vigie: %d frames in %.2f s (%.1f frames/s), %d alerts, report written to %@",
                        report.run.frames, elapsed, Double(report.run.frames) / max(elapsed, 1e-9), report.alerts.count, output))
        } catch {
            throw fail(error)
        }
    }

    /// The scene file's bytes (hashed as they are), with the error naming the file.
    private func readScene(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SceneFileError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw SceneFileError.unreadable(path: path, reason: "is a folder") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SceneFileError.unreadable(path: path, reason: "cannot be read (permissions?)")
        }
    }
}
