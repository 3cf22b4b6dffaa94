import VigieCore

/// Issue 18's small-bag case, rebuilt: a pavement seen from above, 720x480 at 30 frames per
/// second. A utility box stands there from the start; a man walks in carrying a small dark bag
/// (about 50x55 pixels), sets it down left of the box at ``smallBagSetDown`` seconds, walks away
/// and leaves the view; a passer-by crosses later, below the bag; people cast shadows.
extension SimulatedScene {
    /// When the bag of ``smallBag(duration:seed:)`` touches the ground, seconds.
    public static let smallBagSetDown = 8.2
    /// Where the bag stands (its foot point, normalised).
    public static let smallBagPosition = NormalisedPoint(x: 0.445, y: 0.70)

    /// The small-bag scene.
    /// - Parameters:
    ///   - duration: seconds (the bag stays to the end).
    ///   - seed: the sensor noise's seed.
    public static func smallBag(duration: Double = 30, seed: UInt64 = 18) -> SimulatedScene {
        // Seen from above a person is a roundish blob, about 190x130 pixels at 720x480.
        let utilityBox = Actor(id: 1, kind: .object, path: [Waypoint(0, 0.5, 0.62), Waypoint(duration, 0.5, 0.62)],
                               height: 0.22, aspect: 0.9, luma: 150, chroma: (126, 130))
        let owner = Actor(id: 2, kind: .person, path: [Waypoint(1.5, -0.1, 0.72), Waypoint(7, 0.40, 0.72),
                                                       Waypoint(9, 0.40, 0.72), Waypoint(14, 1.12, 0.6)],
                          height: 0.27, aspect: 0.85, luma: 55, chroma: (120, 132), castsShadow: true)
        let p = smallBagPosition
        let bag = Actor(id: 3, kind: .object, path: [Waypoint(1.5, -0.06, p.y - 0.02), Waypoint(7, p.x, p.y - 0.02),
                                                     Waypoint(8, p.x, p.y - 0.02), Waypoint(smallBagSetDown, p.x, p.y),
                                                     Waypoint(duration, p.x, p.y)],
                        height: 55.0 / 480, aspect: 50.0 / 55, luma: 38, chroma: (124, 128))
        let passer = Actor(id: 4, kind: .person, path: [Waypoint(15, 1.1, 0.92), Waypoint(21, -0.1, 0.88)],
                           height: 0.27, aspect: 0.85, luma: 90, chroma: (135, 120), castsShadow: true)
        var scene = SimulatedScene(width: 720, height: 480, framesPerSecond: 30, duration: duration, seed: seed,
                                   actors: [utilityBox, owner, bag, passer])
        scene.noise = 3
        return scene
    }
}
