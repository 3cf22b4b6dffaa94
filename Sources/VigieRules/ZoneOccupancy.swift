import VigieCore

/// The fraction of a zone's pixels set in a foreground mask, with the zone's pixel offsets
/// computed once per mask size (a point-in-polygon test per pixel), then counted at those
/// offsets on every mask. Shared by the density rule and the statistics mode.
package struct ZoneOccupancy: Sendable {
    /// The zone measured.
    package let zone: Zone
    private var offsets: [Int] = []  // storage offsets of the zone's pixels in masks of `size`
    private var size = (width: 0, height: 0)

    /// Occupancy of `zone`.
    package init(zone: Zone) { self.zone = zone }

    /// Set pixels inside the zone as a fraction of its pixels; nil when the zone covers no pixel.
    package mutating func fraction(of mask: Mask) -> Double? {
        if size != (mask.width, mask.height) {
            size = (mask.width, mask.height)
            offsets = []
            for y in 0..<mask.height {
                for x in 0..<mask.width where zone.contains(NormalisedPoint(x: (Double(x) + 0.5) / Double(mask.width),
                                                                           y: (Double(y) + 0.5) / Double(mask.height))) {
                    offsets.append(mask.offset(x: x, y: y))
                }
            }
        }
        guard !offsets.isEmpty else { return nil }
        return Double(mask.countSet(atOffsets: offsets)) / Double(offsets.count)
    }
}
