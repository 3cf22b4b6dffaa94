import Foundation
import Testing
import VigieCore

@testable import VigieEvents

@Suite("Event JSON Lines encoding")
struct EventTests {
    @Test func roundTripsEverySample() throws {
        for event in Fixtures.sample {
            let line = try event.jsonLine()
            #expect(try Event(jsonLine: line) == event, "\(line)")
        }
    }

    @Test(arguments: [Int64(0), 1, 40_000_000, 1_234_567_891, 86_400_000_000_001, 3_000_000_000_000_003])
    func timestampsRoundTripToTheNanosecond(nanoseconds: Int64) throws {
        var event = Fixtures.minimal
        event.startTime = Timestamp(nanoseconds: nanoseconds)
        event.time = Timestamp(nanoseconds: nanoseconds + 7)
        #expect(try Event(jsonLine: event.jsonLine()) == event)
    }

    @Test func timesAreSecondsAndKeysAreSortedCamelCase() throws {
        let line = try Fixtures.minimal.jsonLine()
        #expect(
            line
                == #"{"cameraID":"cam2","id":"cam2/tamper/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-1","kind":"tamper","measurements":{},"objects":[],"#
                + #""phase":"started","ruleID":"tamper","schema":"vigie.event/1","score":1,"startTime":0,"time":0.04,"#
                + #""topic":"tns1:VideoSource/GlobalSceneChange/ImagingService"}"#)
    }

    @Test func fullEventHasEveryFieldInSortedOrder() throws {
        let line = try Fixtures.full.jsonLine()
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(
            Set(object.keys)
                == [
                    "schema", "id", "kind", "phase", "ruleID", "zoneID", "lineID", "cameraID", "startTime", "time",
                    "endTime", "objects", "measurements", "score", "topic", "snapshot",
                ])
        #expect(object["startTime"] as? Double == 12.04)
        #expect(object["endTime"] as? Double == 19.4)
        #expect(object["schema"] as? String == "vigie.event/1")
        // Sorted: each key appears after the previous one.
        let keys = ["cameraID", "endTime", "id", "kind", "lineID", "measurements", "objects", "phase", "ruleID"]
        let positions = keys.map { line.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(line.contains(#""box":{"height":0.3,"width":0.1,"x":0.25,"y":0.5}"#))
    }

    @Test func sameEventGivesSameBytes() throws {
        for event in Fixtures.sample {
            #expect(try event.jsonLine() == (try EventEncoder().encode(event)))
            #expect(try event.jsonLine() == (try event.jsonLine()))
        }
    }

    @Test func nilFieldsAreOmittedNotNull() throws {
        let line = try Fixtures.minimal.jsonLine()
        #expect(!line.contains("null"))
        for key in ["zoneID", "lineID", "endTime", "snapshot", "objectClass", "dwellSeconds", "reason"] {
            #expect(!line.contains("\"\(key)\""), "\(key) in \(line)")
        }
        var event = Fixtures.full
        event.objects[0].objectClass = nil
        event.measurements.density = nil
        let l2 = try event.jsonLine()
        #expect(!l2.contains("null"))
        #expect(!l2.contains("\"density\""))
        #expect(l2.components(separatedBy: "\"objectClass\"").count == 1)
    }

    @Test func slashesAreNotEscaped() throws {
        let line = try Fixtures.full.jsonLine()
        #expect(line.contains(#""id":"cam1/rule-a/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-17""#))
        #expect(line.contains(#""topic":"tns1:RuleEngine/FieldDetector/ObjectsInside""#))
    }

    @Test func nonFiniteMeasurementIsATypedError() {
        var event = Fixtures.minimal
        event.measurements.density = .nan
        #expect {
            try event.jsonLine()
        } throws: { error in
            guard case .unencodable(let field, _) = error as? EventCodingError else { return false }
            return field == "measurements.density"
        }
    }

    @Test func decodingErrorsNameTheFieldAndLine() throws {
        let good = try Fixtures.minimal.jsonLine()
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "vigie.event/1", with: "vigie.event/2"), "schema"),
            (good.replacingOccurrences(of: #""kind":"tamper""#, with: #""kind":"weapon""#), "kind"),
            (good.replacingOccurrences(of: #""score":1"#, with: #""score":1.5"#), "score"),
            (good.replacingOccurrences(of: #""cameraID":"cam2","#, with: ""), "cameraID"),
            (good.replacingOccurrences(of: #""time":0.04"#, with: #""time":"soon""#), "time"),
        ]
        for (line, field) in cases {
            #expect(throws: EventCodingError.self) { try Event(jsonLine: line) }
            do {
                _ = try EventDecoder().decode(line)
            } catch {
                guard case .invalidLine(let number, let f, _) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(number == nil)
                #expect(f == field, "\(error)")
            }
        }
        let text = good + "\n\n" + "{not json}\n"
        do {
            _ = try EventDecoder().decodeLines(text)
            Issue.record("expected an error")
        } catch {
            guard case .invalidLine(let number, _, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(number == 3)
        }
    }

    @Test func decodeLinesReadsAStream() throws {
        let events = Fixtures.sample
        let text = try events.map { try $0.jsonLine() + "\n" }.joined()
        #expect(try EventDecoder().decodeLines(text) == events)
    }

    @Test func topicIsDerivedFromKindAndNotReadBack() throws {
        let line = try Fixtures.minimal.jsonLine()
            .replacingOccurrences(of: "tns1:VideoSource/GlobalSceneChange/ImagingService", with: "x:other")
        #expect(try Event(jsonLine: line).topic == EventKind.tamper.onvifTopic)
    }

    @Test func idIsCameraRuleSessionSequence() throws {
        let session = try EventSession(id: "01JEKX4T0C9ZQ8Q4V2M6R7Y3HA")
        #expect(Event.makeID(cameraID: "cam1", ruleID: "rule-a", session: session, sequence: 17)
                == "cam1/rule-a/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-17")
    }

    @Test func freshSessionsAreULIDsOrderedByTimeAndDistinct() throws {
        var generator = SystemRandomNumberGenerator()
        let early = EventSession(date: Date(timeIntervalSince1970: 1_700_000_000), using: &generator)
        let late = EventSession(date: Date(timeIntervalSince1970: 1_700_000_000.001), using: &generator)
        #expect(early.id.count == 26 && late.id.count == 26)
        #expect(early.id < late.id, "\(early) \(late)")
        // The first 10 characters are the milliseconds: 1_700_000_000_000 in Crockford base 32.
        #expect(early.id.hasPrefix("01HF7YAT00"), "\(early)")
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        #expect(early.id.allSatisfy(alphabet.contains))
        // Same millisecond: the 80 random bits tell them apart.
        let now = Date()
        let many = (0..<1000).map { _ in EventSession(date: now, using: &generator).id }
        #expect(Set(many).count == 1000)
        #expect(Set(many.map { $0.prefix(10) }).count == 1)
        #expect(EventSession().id.count == 26)
    }

    @Test func sessionIDsThatWouldBreakEventIDsAreRefused() {
        for bad in ["", "a/b", "with space", String(repeating: "x", count: 65), "é"] {
            #expect(throws: EventSessionError.self) { try EventSession(id: bad) }
        }
        #expect((try? EventSession(id: "run-2026.12_04"))?.id == "run-2026.12_04")
    }

    @Test func objectFootPointDefaultsToBottomCentre() {
        let o = EventObject(trackID: 1, box: NormalisedRect(x: 0.25, y: 0.5, width: 0.5, height: 0.25))
        #expect(o.footPoint == NormalisedPoint(x: 0.5, y: 0.75))
    }
}

@Suite("Event kind topics")
struct EventKindTests {
    @Test func onvifTopicsWhereTheyExist() {
        #expect(EventKind.intrusion.onvifTopic == "tns1:RuleEngine/FieldDetector/ObjectsInside")
        #expect(EventKind.lineCrossed.onvifTopic == "tns1:RuleEngine/LineDetector/Crossed")
        #expect(EventKind.loitering.onvifTopic == "tns1:RuleEngine/LoiteringDetector/ObjectIsLoitering")
        #expect(EventKind.densityExceeded.onvifTopic == "tns1:RuleEngine/CountAggregation/OccupancyCounter")
        #expect(EventKind.tamper.onvifTopic == "tns1:VideoSource/GlobalSceneChange/ImagingService")
    }

    @Test(arguments: EventKind.allCases)
    func everyKindHasATopic(kind: EventKind) {
        let standard: Set<EventKind> = [.intrusion, .lineCrossed, .loitering, .densityExceeded, .tamper]
        #expect(kind.hasStandardONVIFTopic == standard.contains(kind))
        if !standard.contains(kind) {
            let name = kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst()
            #expect(kind.onvifTopic == "vigie:RuleEngine/\(name)")
        }
    }

    @Test func topicsAreDistinct() {
        #expect(Set(EventKind.allCases.map(\.onvifTopic)).count == EventKind.allCases.count)
    }

    @Test func rawValuesAreStable() {
        #expect(
            EventKind.allCases.map(\.rawValue) == [
                "intrusion", "lineCrossed", "wrongWay", "abandonedObject", "objectRemoved", "personDown",
                "densityExceeded", "crowdMovement", "fire", "smoke", "loitering", "projectile", "tamper",
            ])
    }
}
