import Foundation
import Logging
import Testing
@testable import VigieCore
import VigieIO
import VigiePipeline
import VigieRules

/// A log handler that keeps every record, for checking what Vigie logs.
final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    let lock = NSLock()
    var records: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.lock()
        records.append("\(event.level) \(event.message) \(event.metadata ?? [:]) \(metadata)")
        lock.unlock()
    }
}

@Suite("Log records carry no pixels")
struct LogPrivacyTests {
    @Test func pipelineAndSourceLogsHoldNoPixelValues() throws {
        let handler = CollectingLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        // Frames whose every pixel is 173 (luma) / 211 (Cb) / 47 (Cr), then a corrupt frame.
        var y4m = Array("YUV4MPEG2 W16 H8 F10:1 C420jpeg\n".utf8)
        for _ in 0..<30 {
            y4m += Array("FRAME\n".utf8) + [UInt8](repeating: 173, count: 128) + [UInt8](repeating: 211, count: 32)
                + [UInt8](repeating: 47, count: 32)
        }
        var jpeg = try JPEGCodec.encode(AnonymisedFrame(redacted: Frame(width: 16, height: 16, format: .ycbcr420, y: 173)))
        jpeg[jpeg.count / 2] ^= 0xFF
        var mjpeg = MJPEGSource(bytes: Array(jpeg.prefix(jpeg.count - 20)) + jpeg)
        while (try? mjpeg.nextSkippingCorruptFrames(logger: logger)) != nil {}
        let scene = try Scene(json: Data(#"{"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x":0.1,"y":0.1},{"x":0.9,"y":0.1},{"x":0.9,"y":0.9}]}], "rules": [{"id": "fire", "kind": "fire", "zone": "z"}]}"#.utf8))
        var pipeline = ScenePipeline(scene: scene, logger: logger)
        var source = try Y4MSource(bytes: y4m)
        while let frame = try source.next() { _ = try pipeline.process(frame) }
        _ = try pipeline.finish()
        #expect(!handler.records.isEmpty, "the skipped frame and the unsupported rule are logged")
        for record in handler.records {
            #expect(!record.contains("173") && !record.contains("211") && !record.contains(" 47"), "\(record)")
        }
    }
}
