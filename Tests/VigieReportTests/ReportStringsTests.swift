import Testing
import VigieEvents
@testable import VigieReport

@Suite("Report labels: English and French")
struct ReportStringsTests {
    @Test func everyLabelHasBothLanguages() {
        #expect(ReportStrings.Key.table.count == ReportStrings.Key.allCases.count)
        for key in ReportStrings.Key.allCases {
            let pair = ReportStrings.Key.table[key]
            #expect(pair != nil, "\(key) has no entry")
            #expect(!(pair?.0.isEmpty ?? true) && !(pair?.1.isEmpty ?? true), "\(key) has an empty label")
        }
    }

    @Test func everyEventKindHasBothLanguages() {
        let en = ReportStrings(language: .en), fr = ReportStrings(language: .fr)
        for kind in EventKind.allCases {
            #expect(!en.kind(kind).isEmpty && !fr.kind(kind).isEmpty, "\(kind)")
        }
        #expect(fr.kind(.abandonedObject) == "Objet abandonné")
    }
}
