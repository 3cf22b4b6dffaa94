import Foundation
import VigieCore
import VigieRules
import VigieSimulator

/// The built-in demo: a simulated school gate, used by `vigie demo` and by `vigie serve` when no
/// site file is given (two simulated cameras, a store and a journal in `./vigie-demo/`).
public enum DemoSite {
    /// Built-in simulated cameras.
    public enum Simulation: String, Sendable, Hashable, CaseIterable {
        /// 40 s of a school gate at 640x360 and 10 fps, played in a loop.
        case schoolGate = "school-gate"
    }

    /// The demo's school-gate scene file (camera `school-gate`, 10 fps): a fence line, the grounds
    /// (intrusion), the gate (loitering), a one-way pavement (wrong way) and the plaza (density).
    public static let schoolGateSceneJSON = #"""
    {"cameraID": "school-gate", "description": "Built-in demo scene", "frameRate": 10,
     "zones": [
       {"id": "grounds", "description": "School grounds: nobody inside", "polygon": [{"x":0.25,"y":0.35},{"x":0.45,"y":0.35},{"x":0.45,"y":0.7},{"x":0.25,"y":0.7}]},
       {"id": "gate", "description": "In front of the gate", "polygon": [{"x":0.5,"y":0.35},{"x":0.68,"y":0.35},{"x":0.68,"y":0.7},{"x":0.5,"y":0.7}]},
       {"id": "pavement", "description": "One-way pavement, walking right", "allowedDirection": 0, "polygon": [{"x":0.02,"y":0.8},{"x":0.98,"y":0.8},{"x":0.98,"y":0.99},{"x":0.02,"y":0.99}]},
       {"id": "plaza", "description": "Plaza", "polygon": [{"x":0.72,"y":0.3},{"x":0.99,"y":0.3},{"x":0.99,"y":0.75},{"x":0.72,"y":0.75}]}
     ],
     "lines": [{"id": "fence", "from": {"x": 0.2, "y": 0.3}, "to": {"x": 0.2, "y": 0.78}, "positiveDirection": "out", "negativeDirection": "in"}],
     "privacyMasks": [{"id": "house", "description": "A house opposite", "polygon": [{"x":0.0,"y":0.0},{"x":0.15,"y":0.0},{"x":0.15,"y":0.2},{"x":0.0,"y":0.2}]}],
     "rules": [
       {"id": "fence-crossing", "kind": "lineCrossed", "line": "fence"},
       {"id": "grounds-intrusion", "kind": "intrusion", "zone": "grounds", "minDuration": 1},
       {"id": "gate-loitering", "kind": "loitering", "zone": "gate", "maxDwell": 8},
       {"id": "pavement-wrong-way", "kind": "wrongWay", "zone": "pavement", "minDuration": 1},
       {"id": "plaza-crowd", "kind": "densityExceeded", "zone": "plaza", "maxCount": 3, "minDuration": 2}
     ]}
    """#

    /// The people of the demo: they cross the fence, enter the grounds, loiter at the gate, walk the
    /// wrong way and crowd the plaza within 40 s.
    public static var schoolGateActors: [Actor] {
        func person(_ id: Int, _ path: [Waypoint], luma: Double = 60) -> Actor {
            Actor(id: id, kind: .person, path: path, height: 0.2, luma: luma,
                  chroma: (UInt8(100 + 9 * id), UInt8(165 - 7 * id)), castsShadow: id % 2 == 0)
        }
        return [
            person(1, [Waypoint(3, 0.05, 0.6), Waypoint(9, 0.35, 0.6), Waypoint(15, 0.38, 0.62), Waypoint(19, 0.05, 0.62)]),
            person(2, [Waypoint(10, 0.62, 0.32), Waypoint(13, 0.6, 0.55), Waypoint(17, 0.52, 0.6), Waypoint(21, 0.66, 0.58),
                       Waypoint(25, 0.55, 0.55), Waypoint(29, 0.62, 0.6), Waypoint(32, 0.62, 0.3)], luma: 90),
            person(3, [Waypoint(20, 0.95, 0.92), Waypoint(28, 0.05, 0.92)], luma: 45),
            // A crowd gathers on the plaza: four people side by side, the first furthest left.
            person(4, [Waypoint(23, 0.99, 0.6), Waypoint(27, 0.76, 0.6), Waypoint(39, 0.76, 0.6)], luma: 70),
            person(5, [Waypoint(25, 0.99, 0.6), Waypoint(28, 0.83, 0.6), Waypoint(39, 0.83, 0.6)], luma: 110),
            person(6, [Waypoint(27, 0.99, 0.6), Waypoint(29, 0.9, 0.6), Waypoint(39, 0.9, 0.6)], luma: 50),
            person(7, [Waypoint(29, 0.99, 0.6), Waypoint(30, 0.96, 0.6), Waypoint(39, 0.96, 0.6)], luma: 130),
        ]
    }


    /// The school-gate scene, for camera `cameraID`.
    public static func schoolGateScene(cameraID: String = "school-gate") throws(SceneFileError) -> Scene {
        var scene = try Scene(json: Data(schoolGateSceneJSON.utf8))
        scene.cameraID = cameraID
        return scene
    }

    /// One loop of the simulation (`seed` varies the noise from loop to loop).
    public static func simulatedScene(_ simulation: Simulation, seed: UInt64) -> SimulatedScene {
        switch simulation {
        case .schoolGate:
            SimulatedScene(width: 640, height: 360, framesPerSecond: 10, duration: 40, seed: seed, actors: schoolGateActors)
        }
    }

    /// The scene of a simulated camera.
    public static func scene(_ simulation: Simulation, cameraID: String) throws(SceneFileError) -> Scene {
        switch simulation {
        case .schoolGate: try schoolGateScene(cameraID: cameraID)
        }
    }

    /// The operator token of the demo site (printed at start-up; never use it on a real site).
    public static let operatorToken = "demo-operator-token-change-me"
    /// The viewer token of the demo site.
    public static let viewerToken = "demo-viewer-token-change-me"

    /// The demo site: two simulated school-gate cameras in real time, the store, journal and
    /// snapshots under `directory`, HTTP on `bind`, an operator and a viewer token.
    public static func configuration(directory: String = "vigie-demo", bind: String = "127.0.0.1:8080",
                                     mqtt: SiteConfiguration.MQTT? = nil) -> SiteConfiguration {
        SiteConfiguration(
            cameras: [
                .init(id: "school-gate", scene: nil, input: .simulated(.schoolGate)),
                .init(id: "school-gate-2", scene: nil, input: .simulated(.schoolGate)),
            ],
            storage: .init(path: "\(directory)/events.sqlite"),
            journal: "\(directory)/alerts.journal",
            http: .init(bind: bind),
            mqtt: mqtt,
            tokens: [
                .init(name: "demo-operator", token: operatorToken, role: .operator),
                .init(name: "demo-viewer", token: viewerToken, role: .viewer),
            ])
    }
}
