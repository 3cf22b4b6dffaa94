import Testing
@testable import VigieAnonymise
@testable import VigieCore
import VigieRules

@Suite("Overlays on anonymised frames")
struct OverlayTests {
    static func blank() -> AnonymisedFrame {
        AnonymisedFrame(redacted: Frame(width: 100, height: 80, format: .ycbcr420, y: 60, cb: 110, cr: 140))
    }

    @Test func zonesLinesAndLabelsAreDrawnAndChromaIsUntouched() throws {
        let zone = Zone(id: "z", polygon: [NormalisedPoint(x: 0.1, y: 0.5), NormalisedPoint(x: 0.9, y: 0.5),
                                           NormalisedPoint(x: 0.9, y: 0.9), NormalisedPoint(x: 0.1, y: 0.9)])
        let line = Line(id: "l", from: NormalisedPoint(x: 0.5, y: 0.1), to: NormalisedPoint(x: 0.5, y: 0.45))
        let out = Self.blank().drawing(Overlay(zones: [zone], lines: [line], labels: ["ALERT 1"]))
        let y = out.frame.luma
        #expect(y[x: 50, y: 60] == 60)            // inside the zone, away from every stroke
        #expect(y[x: 50, y: 40] == 235)           // the zone's top edge (0.5 * 80)
        #expect(y[x: 50, y: 72] == 235)           // the zone's bottom edge (0.9 * 80)
        #expect(y[x: 50, y: 20] == 255)           // the line
        var ink = 0
        for yy in 4..<18 { for xx in 4..<90 where y[x: xx, y: yy] == 255 { ink += 1 } }
        #expect(ink > 60)                         // the label's letters
        #expect(out.frame.cb!.hasSamePixels(as: Self.blank().frame.cb!))
    }

    @Test func everyGlyphIsFiveBySeven() {
        for (c, rows) in BitmapFont.glyphs {
            #expect(rows.count == 7 && rows.allSatisfy { $0.count == 5 }, "\(c)")
        }
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
    }
}
