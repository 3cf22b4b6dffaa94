import ArgumentParser
import Foundation
import Vigie

struct ValidateScene: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-scene",
        abstract: "Check a scene file: exit 0 with a summary when valid, 1 with every `field: reason` on stderr.",
        discussion: "The format is described in Documentation/SceneFile.md and Documentation/scene.schema.json.")

    @Argument(help: "The scene file (JSON) to check.")
    var scene: String

    func run() throws {
        let parsed: Scene
        do {
            parsed = try Scene(unvalidatedContentsOf: URL(filePath: scene))
        } catch {
            throw fail(error)
        }
        let errors = parsed.validationErrors()
        guard errors.isEmpty else {
            for error in errors { note("vigie: \(error)") }
            throw ExitCode(1)
        }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var summary =
            "valid: camera \(parsed.cameraID), \(count(parsed.zones.count, "zone")), "
            + "\(count(parsed.lines.count, "line")), \(count(parsed.rules.count, "rule"))"
        if !parsed.privacyMasks.isEmpty { summary += ", \(count(parsed.privacyMasks.count, "privacy mask"))" }
        if parsed.calibration != nil { summary += ", calibrated" }
        print(summary)
    }
}
