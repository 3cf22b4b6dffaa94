import Testing
import VigieCore
@testable import VigieEvaluation

@Suite("FURG fire annotations and fire scores")
struct FURGFireAnnotationsTests {
    static let xml = """
        <?xml version="1.0"?>
        <opencv_storage>
        <fileName>clip.mp4</fileName>
        <frameWidth>426</frameWidth>
        <frameHeight>240</frameHeight>
        <frames>
          <_><frameNumber>0</frameNumber>
            <annotations>
              <_>
                176 84 24 33</_>
              <_>
                154 152 17 44</_></annotations></_>
          <_><frameNumber>2</frameNumber>
            <annotations>
              <_>
                1 2 3 4</_></annotations></_></frames>
        </opencv_storage>
        """

    @Test func parsesFramesAndBoxes() throws {
        let a = try FURGFireAnnotations(xml: Self.xml)
        #expect(a.frames.count == 3)
        #expect(a.boxes(atFrame: 0) == [PixelRect(x: 176, y: 84, width: 24, height: 33), PixelRect(x: 154, y: 152, width: 17, height: 44)])
        #expect(a.boxes(atFrame: 1).isEmpty)
        #expect(a.boxes(atFrame: 2) == [PixelRect(x: 1, y: 2, width: 3, height: 4)])
        #expect(a.boxes(atFrame: 9).isEmpty)
        #expect(a.frameSize?.width == 426 && a.frameSize?.height == 240)
    }

    @Test func malformedEntriesAreTypedErrors() {
        let bad = Self.xml.replacingOccurrences(of: "1 2 3 4", with: "1 2 3")
        #expect(throws: EvaluationError.self) { try FURGFireAnnotations(xml: bad, path: "bad.xml") }
        #expect(throws: EvaluationError.self) { try FURGFireAnnotations(xml: "<opencv_storage/>") }
        #expect(throws: EvaluationError.missingFile(path: "/nonexistent/x.xml")) { try FURGFireAnnotations(path: "/nonexistent/x.xml") }
    }

    @Test func scoresCountFramesAndBoxes() {
        var s = FireDetectionScores()
        let fire = PixelRect(x: 10, y: 10, width: 10, height: 10)
        s.add(detected: [], truth: [fire])  // FN
        s.add(detected: [PixelRect(x: 15, y: 15, width: 10, height: 10)], truth: [fire])  // TP
        s.add(detected: [PixelRect(x: 50, y: 50, width: 5, height: 5)], truth: [fire])  // FP and FN
        s.add(detected: [PixelRect(x: 50, y: 50, width: 5, height: 5)], truth: [])  // FP
        s.add(detected: [], truth: [])  // TN
        #expect(s.truePositiveFrames == 1 && s.falsePositiveFrames == 2 && s.falseNegativeFrames == 2 && s.frames == 5)
        #expect(s.firstDetectionFrame == 1)
        #expect(abs(s.precision - 1.0 / 3) < 1e-9 && abs(s.recall - 1.0 / 3) < 1e-9 && abs(s.f1 - 1.0 / 3) < 1e-9)
        #expect(s.detectedBoxes == 3 && s.detectedBoxesOnFire == 1 && s.truthBoxes == 3 && s.truthBoxesFound == 1)
    }
}
