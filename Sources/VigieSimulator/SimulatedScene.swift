import VigieCore

/// A description of a synthetic scene: what the simulator renders, deterministically from a seed.
///
/// Coordinates are normalised image coordinates (0…1, origin top-left, y down); times are seconds
/// from the start of the stream. Nothing here is a real person: actors are textured shapes whose
/// texture is random noise, which also makes them stand-ins for faces in privacy tests.
public struct SimulatedScene: Sendable, Hashable {
    /// Frame width in pixels (even).
    public var width: Int
    /// Frame height in pixels (even).
    public var height: Int
    /// Frames per second.
    public var framesPerSecond: Double
    /// Duration in seconds.
    public var duration: Double
    /// Seed of every random choice (textures, noise): the same seed gives the same frames.
    public var seed: UInt64
    /// Standard deviation of the sensor noise, in luma levels. Default 2.
    public var noise: Double = 2
    /// Slow illumination change: the scene's brightness gain goes linearly from 1 to this value
    /// over the duration. Default 1 (none).
    public var finalGain: Double = 1
    /// Sudden illumination changes: (time in seconds, new gain multiplier) — a light switched on.
    public var lightSwitches: [LightSwitch] = []
    /// The moving and still things in the scene.
    public var actors: [Actor]
    /// Lights drawn over the scene (flames, beacons, signs, headlights, reflections). Default none.
    public var lights: [SimulatedLight] = []
    /// Things done to the camera (covered, blinded, defocused, frozen, moved, panned). Default none.
    public var cameraEffects: [CameraEffect] = []

    /// A scene with the given geometry and actors.
    public init(width: Int, height: Int, framesPerSecond: Double = 10, duration: Double, seed: UInt64,
                actors: [Actor]) {
        precondition(width >= 8 && height >= 8 && width % 2 == 0 && height % 2 == 0,
                     "scene size must be even and at least 8x8, got \(width)x\(height)")
        precondition(framesPerSecond > 0 && duration > 0, "frame rate and duration must be positive")
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.duration = duration
        self.seed = seed
        self.actors = actors
    }

    /// Number of frames the scene lasts.
    public var frameCount: Int { Int((duration * framesPerSecond).rounded(.down)) }
}

/// A sudden change of the scene's brightness at a given time (a light switched on or off).
public struct LightSwitch: Sendable, Hashable {
    /// When, in seconds.
    public var time: Double
    /// Brightness multiplier from then on (1.4 = 40 % brighter).
    public var gain: Double

    /// A switch at `time` seconds to `gain`.
    public init(time: Double, gain: Double) {
        self.time = time
        self.gain = gain
    }
}

/// What an actor is, which sets its shape and default size.
public enum ActorKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A walking person: head, torso and two swinging legs.
    case person
    /// A vehicle: a box with windows.
    case vehicle
    /// A small object (a bag, a parcel).
    case object
    /// A small, fast object (a thrown projectile, a bird).
    case projectile
}

/// One waypoint of an actor's path: where its foot point is at a time.
public struct Waypoint: Sendable, Hashable {
    /// Seconds from the start of the stream.
    public var time: Double
    /// Foot point (bottom centre) in normalised image coordinates.
    public var position: NormalisedPoint

    /// A waypoint at `time` seconds at normalised (`x`, `y`).
    public init(_ time: Double, _ x: Double, _ y: Double) {
        self.time = time
        self.position = NormalisedPoint(x: x, y: y)
    }
}

/// Something that appears in the scene: it exists between its first and last waypoint times
/// and moves linearly between waypoints.
public struct Actor: Sendable, Hashable {
    /// Ground-truth identity (unique in the scene).
    public var id: Int
    /// What it is.
    public var kind: ActorKind
    /// Height as a fraction of the image height, and width as a fraction of its height.
    public var height: Double
    /// Width / height ratio.
    public var aspect: Double
    /// The path; at least one waypoint. Before the first and after the last, the actor is absent.
    public var path: [Waypoint]
    /// Mean luma of its texture (0…255).
    public var luma: Double
    /// Chroma (Cb, Cr) of its body.
    public var chroma: (cb: UInt8, cr: UInt8)
    /// Whether it casts a shadow (a darker ellipse beside its foot point).
    public var castsShadow: Bool = false
    /// Height/width posture changes: (time, aspect) — a person lying down becomes wide.
    public var postures: [(time: Double, aspect: Double)] = []
    /// Height changes: (time, fraction of `height`) — sitting about 0.65, lying about 0.3.
    public var heightScales: [(time: Double, scale: Double)] = []
    /// Seconds over which a posture or height change happens (0: at once). A fall takes about
    /// half a second, sitting down one to two.
    public var postureTransition: Double = 0

    /// An actor with defaults for its kind.
    public init(id: Int, kind: ActorKind, path: [Waypoint], height: Double? = nil, aspect: Double? = nil,
                luma: Double = 70, chroma: (cb: UInt8, cr: UInt8) = (110, 150), castsShadow: Bool = false) {
        precondition(!path.isEmpty, "actor \(id) needs at least one waypoint")
        self.id = id
        self.kind = kind
        self.path = path.sorted { $0.time < $1.time }
        switch kind {
        case .person: (self.height, self.aspect) = (height ?? 0.3, aspect ?? 0.4)
        case .vehicle: (self.height, self.aspect) = (height ?? 0.25, aspect ?? 1.8)
        case .object: (self.height, self.aspect) = (height ?? 0.06, aspect ?? 1.3)
        case .projectile: (self.height, self.aspect) = (height ?? 0.02, aspect ?? 1)
        }
        self.luma = luma
        self.chroma = chroma
        self.castsShadow = castsShadow
    }

    /// Foot point at `time`, or nil when the actor is absent.
    public func position(at time: Double) -> NormalisedPoint? {
        guard let first = path.first, let last = path.last, time >= first.time, time <= last.time else { return nil }
        guard let next = path.firstIndex(where: { $0.time >= time }) else { return last.position }
        if next == 0 { return first.position }
        let a = path[next - 1], b = path[next]
        let t = b.time > a.time ? (time - a.time) / (b.time - a.time) : 1
        return NormalisedPoint(x: a.position.x + (b.position.x - a.position.x) * t,
                               y: a.position.y + (b.position.y - a.position.y) * t)
    }

    /// Width / height ratio at `time` (postures change it).
    public func aspect(at time: Double) -> Double {
        Self.stepped(postures.map { ($0.time, $0.aspect) }, initial: aspect, at: time, transition: postureTransition)
    }

    /// Drawn height at `time`, fraction of the image height (height changes scale it).
    public func height(at time: Double) -> Double {
        height * Self.stepped(heightScales.map { ($0.time, $0.scale) }, initial: 1, at: time,
                              transition: postureTransition)
    }

    /// A value that changes at given times, linearly over `transition` seconds.
    static func stepped(_ changes: [(Double, Double)], initial: Double, at time: Double, transition: Double) -> Double {
        var value = initial
        for (start, target) in changes.sorted(by: { $0.0 < $1.0 }) where start <= time {
            let f = transition > 0 ? min(1, (time - start) / transition) : 1
            value += (target - value) * f
        }
        return value
    }

    public static func == (a: Actor, b: Actor) -> Bool {
        a.id == b.id && a.kind == b.kind && a.height == b.height && a.aspect == b.aspect && a.path == b.path
            && a.luma == b.luma && a.chroma == b.chroma && a.castsShadow == b.castsShadow
            && a.postures.elementsEqual(b.postures) { $0.time == $1.time && $0.aspect == $1.aspect }
            && a.heightScales.elementsEqual(b.heightScales) { $0.time == $1.time && $0.scale == $1.scale }
            && a.postureTransition == b.postureTransition
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(kind)
        hasher.combine(path)
    }
}
