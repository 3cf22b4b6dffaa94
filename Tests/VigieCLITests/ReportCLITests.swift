import Foundation
import Testing

/// `vigie report`, run as users would: the page's alerts are the events `vigie run` prints on the
/// same input and scene.
@Suite("vigie report", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct ReportCLITests {
    @Test func reportListsTheEventsVigieRunPrints() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(RenderAndEmbeddingTests.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let out = NSTemporaryDirectory() + "vigie-cli-report-" + UUID().uuidString + ".html"
        defer { try? FileManager.default.removeItem(atPath: out) }

        let run = try CLI.run(["run", "--scene", scene, "--input", clip])
        #expect(run.status == 0, "\(run.stderr)")
        let started = run.stdout.split(separator: "\n").filter { $0.contains(#""phase":"started""#) }
        #expect(started.count == 1, "\(run.stdout)")

        let r = try CLI.run(["report", "--scene", scene, "--input", clip, "--output", out, "--language", "fr"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("88 frames") && r.stderr.contains("1 alerts"), "\(r.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains(#"<html lang="fr">"#))
        #expect(html.components(separatedBy: #"<tr class="alert""#).count - 1 == started.count)
        #expect(html.components(separatedBy: #"<g class="lane""#).count - 1 == 1, "one rule, one lane")
        for line in started {
            // Two processes, two sessions: the ids agree up to the session (`<camera>/<rule>/<session>-<n>`).
            let id = try #require(line.split(separator: #""id":""#).dropFirst().first?.split(separator: "\"").first)
            let rule = id.split(separator: "/").dropLast().joined(separator: "/")
            let number = id.split(separator: "-").last.map(String.init) ?? ""
            let pattern = try Regex(#"data-event="\#(rule)/[0-9A-Z]+-\#(number)""#)
            #expect(html.contains(pattern), "\(id)")
        }
    }

    @Test func reportRejectsAMissingSceneAndABadLanguage() throws {
        let missing = try CLI.run(["report", "--scene", "/nonexistent.json", "--input", "-", "--output", "x.html"])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"), "\(missing.stderr)")
        let language = try CLI.run(["report", "--scene", "s.json", "--input", "-", "--output", "x.html", "--language", "de"])
        #expect(language.status == 64, "\(language.stderr)")
    }
}
