import Foundation
import TwinGeometry
@testable import TwinLayout

/// A temporary folder with a small model file, for manifests to place.
///
/// `cell.glb` holds two top-level nodes: `Press-1`, a 2 x 3 x 1 m box (scene X, Y, Z) on the
/// floor at the origin, and `Robot`, an empty group with a child `Arm`, a 1 m cube whose center
/// stands at scene (5, 0.5, 0).
struct Fixture {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "twin-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var document = GLTFDocument()
        document.materials = [.init(name: "red", baseColor: SIMD4(1, 0, 0, 1)), .init(name: "grey", baseColor: SIMD4(0.5, 0.5, 0.5, 1))]
        var press = MeshBuilder()
        press.addBox(min: SIMD3(-1, 0, -0.5), max: SIMD3(1, 3, 0.5))
        var arm = MeshBuilder()
        arm.addBox(center: SIMD3(0, 0.5, 0), size: SIMD3(1, 1, 1))
        let pressMesh = document.addMesh(.init(name: "press", primitives: [(material: 0, geometry: press.mesh)]))
        let armMesh = document.addMesh(.init(name: "arm", primitives: [(material: 1, geometry: arm.mesh)]))
        document.addNode(.init(name: "Press-1", mesh: pressMesh), parent: nil)
        let robot = document.addNode(.init(name: "Robot"), parent: nil)
        document.addNode(.init(name: "Arm", transform: .translation(SIMD3(5, 0, 0)), mesh: armMesh), parent: robot)
        try GLBWriter.write(document, to: path("cell.glb"))
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// Writes `text` as a manifest and returns its path.
    func manifest(_ text: String, name: String = "plant.yaml") throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// A valid manifest to vary: one placed model, a press, a two-node network with an arc.
    static let valid = """
        name: Test Cell
        models:
          - id: cell
            file: cell.glb
            position: [10, 20]
            rotation_deg: 90
        machines:
          - {id: P-1, kind: press, node: cell/Press-1}
          - {id: R-1, kind: robot, node: cell/Robot}
        agvs:
          - id: AGV-1
            footprint: {length: 1.2, width: 0.8, height: 0.4}
            start: A
        network:
          nodes:
            - {id: A, x: 0, y: 0, theta: 0}
            - {id: B, x: 2, y: 2}
            - {id: C, x: 2, y: 6}
          edges:
            - id: A-B
              start: A
              end: B
              trajectory:
                degree: 2
                knot_vector: [0, 0, 0, 1, 1, 1]
                control_points:
                  - {x: 0, y: 0, weight: 1}
                  - {x: 2, y: 0, weight: 0.7071067811865476}
                  - {x: 2, y: 2, weight: 1}
            - {id: B-C, start: B, end: C, bidirectional: true}
        routes:
          - {id: R1, agv: AGV-1, nodes: [A, B, C, B]}
        zones:
          - {id: Z1, kind: keep-out, polygon: [[0, 0], [1, 0], [1, 1]]}
        cameras:
          - {name: top, eye: [10, 20, 30], target: [10, 20, 0], up: [0, 1, 0], ortho_height: 12}
          - {name: side, eye: [0, -10, 5], target: [10, 20, 0], fov_deg: 50}
        """
}
