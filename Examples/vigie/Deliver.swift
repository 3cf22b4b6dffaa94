import ArgumentParser
import Foundation
import Vigie

/// `vigie deliver --events FILE --webhook URL`: resends the events of an events file (what
/// `vigie run --events FILE` wrote) to a webhook, after an outage of the receiver.
struct Deliver: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resend the events of an events file (JSON Lines) to a webhook, after the receiver was down.",
        discussion: """
            Every event of FILE is posted in order, as `vigie run --webhook` does (one JSON object \
            per request, retried with back-off). Receivers de-duplicate by event id, so resending \
            events that did arrive is harmless. Lines that are not events (statistics records) are \
            skipped; a line that is not JSON is an error naming its line. The alert journal keeps each \
            event's identifying fields only, not the whole event: resend from the events file.

            Exit status: 0 every event delivered; 75 (EX_TEMPFAIL) some still undelivered when \
            --drain-timeout ran out (try again later); 1 an unreadable file, or events the receiver \
            rejected (a 4xx status other than 408/429).
            """)

    @Option(help: "The events file (JSON Lines, as written by `vigie run --events`).")
    var events: String

    @Option(help: "The http:// or https:// URL to POST each event to.")
    var webhook: String

    @Option(help: "Seconds to keep retrying before giving up on what is left (exit 75).")
    var drainTimeout: Double = 30

    func validate() throws {
        try validateWebhook(webhook)
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be 0 or more, got \(drainTimeout)") }
    }

    func run() throws {
        let lines: [Substring]
        do {
            try checkReadableFile(events, what: "events file")
            lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        } catch {
            throw fail(error)
        }
        let decoder = EventDecoder()
        var parsed: [Event] = []
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if line.contains(#""schema":"vigie.statistics/"#) { continue }
            do {
                parsed.append(try decoder.decode(String(line)))
            } catch {
                throw fail(EventsFileProblem(path: events, line: index + 1, reason: "\(error)"))
            }
        }
        guard let url = URL(string: webhook) else { throw ExitCode(64) }
        let sink = WebhookSink(configuration: WebhookSink.Configuration(url: url), logger: cliLogger)
        do {
            for event in parsed { try sink.send(event) }
        } catch {
            throw fail(error)
        }
        let left = sink.close(timeout: drainTimeout)
        let statistics = sink.statistics
        note("vigie: webhook: \(statistics)")
        if left > 0 {
            note("vigie: \(left) of \(parsed.count) events undelivered after \(formatSeconds(drainTimeout)); "
                 + "they are still in \(events): run this again later", level: .error)
            throw ExitCode(75)
        }
        if statistics.rejected > 0 { throw ExitCode(1) }
    }
}

/// A line of an events file that is not an event.
struct EventsFileProblem: Error, CustomStringConvertible {
    var path: String
    var line: Int
    var reason: String
    var description: String { "\(path):\(line): not an event: \(reason)" }
}

/// The URL checks shared by `run --webhook` and `deliver --webhook`.
func validateWebhook(_ webhook: String) throws {
    guard let url = URL(string: webhook), url.scheme == "http" || url.scheme == "https", url.host != nil else {
        throw ValidationError("--webhook must be an http:// or https:// URL, got \(webhook)")
    }
}

/// A file that must exist and be readable, said plainly otherwise.
func checkReadableFile(_ path: String, what: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw JournalPathProblem(path: path, reason: "no such file", what: what)
    }
    guard !isDirectory.boolValue else { throw JournalPathProblem(path: path, reason: "is a folder", what: what) }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
}
