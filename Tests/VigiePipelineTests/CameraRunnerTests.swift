import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieRules

/// `CameraRunner` opens its input on its own thread: a camera whose FIFO has no writer (the
/// reader blocked in open(2)) is `starting`, and `shutdown` ends every open situation in time
/// without waiting for it.
@Suite("Camera runner")
struct CameraRunnerTests {
    @Test func aCameraBlockedOpeningItsInputIsStartingAndDoesNotHoldUpTheShutdown() throws {
        let fifo = NSTemporaryDirectory() + "vigie-runner-fifo-" + UUID().uuidString + ".y4m"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let scene = try Scene(json: Data(#"{"cameraID": "gate"}"#.utf8))
        let sink = SharedEventSink(CollectingSink())
        // Another camera's situation, still open when the shutdown comes.
        try sink.send(Event(id: "north/r/1", kind: .intrusion, phase: .started, ruleID: "r", zoneID: "z",
                            cameraID: "north", startTime: Timestamp(seconds: 1), time: Timestamp(seconds: 2)))
        let runner = CameraRunner(scene: scene, openInput: { try FrameInput.open(fifo) }, sink: sink,
                                  retry: CameraRunner.RetryPolicy(retries: 0))
        #expect(runner.status == .idle)
        let before = Date()
        runner.start()
        #expect(runner.status == .starting, "start() returns at once, the thread does the opening")
        #expect(Date().timeIntervalSince(before) < 0.5)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(runner.status == .starting && runner.framesProcessed == 0)

        let stopping = Date()
        let ended = try CameraRunner.shutdown([runner], sink: sink, timeout: 0.3)
        let seconds = Date().timeIntervalSince(stopping)
        #expect(seconds < 1, "the shutdown took \(seconds) s")
        #expect(ended.map(\.id) == ["north/r/1"] && ended.allSatisfy { $0.phase == .ended })
        #expect(ended.first?.measurements.reason == "shutdown")
        #expect(sink.openSituations.isEmpty)

        // Unblock the reader (a writer comes and goes): the thread ends without writing anything.
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        close(writer)
        #expect(runner.waitUntilDone(timeout: 5))
        #expect(sink.count == 2, "only the started event and its ending")
    }
}
