import Testing
import VigieAnalysis
import VigieCore

@Suite("Scene analysers")
struct SceneAnalysersTests {
    @Test("only the analysers asked for run and report cues")
    func onlyRequestedAnalysersRun() throws {
        let frame = Frame(luma: Plane(width: 16, height: 16, filledWith: 100))
        var none = SceneAnalysers()
        #expect(none.isEmpty)
        let empty = try none.process(frame, foreground: nil, globalChange: false)
        #expect(empty.fire == nil && empty.tamper == nil && empty.staticObjects == nil)

        var some = SceneAnalysers(tamper: TamperDetector())
        #expect(!some.isEmpty)
        let cues = try some.process(frame, foreground: nil, globalChange: false)
        #expect(cues.tamper != nil)
        #expect(cues.fire == nil && cues.staticObjects == nil)
    }
}
