import Foundation
import Testing

@Suite("Obstacles sketched in the manifest")
struct SketchedObstacleTests {
    /// A copy of the demo plant with `extra` appended to its manifest.
    func demo(with extra: String, replacing: (String, String)? = nil) throws -> String {
        let dir = NSTemporaryDirectory() + "twin-sketch-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TwinBinary.repository + "/Assets/demo", toPath: dir)
        var text = try String(contentsOfFile: dir + "/plant.yaml", encoding: .utf8)
        if let (old, new) = replacing { text = text.replacingOccurrences(of: old, with: new) }
        try (text + extra).write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        return dir + "/plant.yaml"
    }

    @Test func aPalletOnTheAisleStopsTheLoop() throws {
        // A Euro pallet on the south aisle (y = 8) at x = 40: the loop's AGV (1.2 m long, driving
        // east from S1 at x = 12) touches it when its front reaches x = 39.4, at s = 26.8 m.
        let plant = try demo(with: "\nobstacles:\n  - {id: PALLET-1, box: {position: [40, 8], size: [1.2, 0.8, 0.15]}}\n  - {id: BOLLARD-1, cylinder: {position: [60, 5], radius: 0.1, height: 1.2}}\n")
        let result = try TwinBinary.run(["check", plant, "--route", "R-LOOP", "--json"])
        #expect(result.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let route = try #require((json["routes"] as? [[String: Any]])?.first)
        let contact = try #require(route["first_contact"] as? [String: Any])
        #expect(contact["node"] as? String == "PALLET-1")
        #expect(contact["edge"] as? String == "M-004-OUT-J-M-005-IN-J", "the pallet at x = 40 stands on the edge from M-004-OUT-J (x 38.2) to M-005-IN-J (x 42.8)")
        #expect(abs((contact["s_m"] as? Double ?? 0) - 26.8) < 1e-3)
        // And it shows in renders.
        let out = NSTemporaryDirectory() + "twin-sketch-\(UUID().uuidString).png"
        let render = try TwinBinary.run(["render", plant, "--camera", "plan", "--size", "320x180", "-o", out])
        #expect(render.status == 0, "\(render.stderr)")
    }

    @Test func anAGVsOwnMarginAndLoadCount() throws {
        // AGV-02 with a load 1.6 m wide: at the charger the clearance to CS-1 shrinks below its margin.
        let plant = try demo(with: "", replacing: ("  - id: AGV-02\n    kind: unit-load\n", "  - id: AGV-02\n    kind: unit-load\n    margin: 0.05\n    load: {length: 1.2, width: 1.6}\n"))
        let result = try TwinBinary.run(["check", plant, "--route", "R-SUPPLY-1", "--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let route = try #require((json["routes"] as? [[String: Any]])?.first)
        let clearance = try #require(route["min_clearance"] as? [String: Any])
        #expect((clearance["distance_m"] as? Double ?? 1) < 0.15, "the load brings the body nearer than the bare 0.15 m")
        #expect(json["margin_m"] as? Double == 0.05)
    }

    @Test(arguments: [
        ("  - {id: P, box: {position: [1, 1], size: [1, -1, 1]}}", "obstacles[0].box.size: sizes must be greater than zero"),
        ("  - {id: P, box: {position: [1, 1], size: [1, 1, 1]}, cylinder: {position: [1, 1], radius: 1, height: 1}}", "obstacles[0]: give exactly one of 'box' or 'cylinder'"),
        ("  - {id: P, cylinder: {position: [1, 1], radius: 0, height: 1}}", "obstacles[0].cylinder.radius: must be greater than zero, found 0.0"),
    ])
    func badObstaclesNameTheirField(line: String, message: String) throws {
        let plant = try demo(with: "\nobstacles:\n" + line + "\n")
        let result = try TwinBinary.run(["info", plant])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix(": " + message + "\n"), "\(result.stderr)")
    }
}

@Suite("Polygon footprints in the manifest")
struct PolygonFootprintManifestTests {
    func demo(replacing old: String, with new: String) throws -> String {
        let dir = NSTemporaryDirectory() + "twin-poly-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TwinBinary.repository + "/Assets/demo", toPath: dir)
        let text = try String(contentsOfFile: dir + "/plant.yaml", encoding: .utf8)
        let changed = text.replacingOccurrences(of: old, with: new)
        #expect(changed != text)
        try changed.write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        return dir + "/plant.yaml"
    }

    static let agv1 = "  - id: AGV-01\n    kind: unit-load\n    footprint: {length: 1.2, width: 0.8, height: 0.4}\n"

    @Test func aPolygonFootprintIsCheckedAsAPolygon() throws {
        // A clockwise polygon is accepted and turned counterclockwise.
        let plant = try demo(replacing: Self.agv1, with: "  - id: AGV-01\n    kind: unit-load\n    footprint: {height: 0.4, polygon: [[-0.6, 0.4], [0.6, 0.4], [0.9, 0], [0.6, -0.4], [-0.6, -0.4]]}\n")
        let result = try TwinBinary.run(["check", plant, "--route", "R-LOOP", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(arguments: [
        ("{height: 0.4, polygon: [[0, 0], [1, 0], [0.2, 0.2], [0, 1]]}", "agvs[0].footprint.polygon: the footprint polygon must be convex"),
        ("{height: 0.4, polygon: [[0, 0], [1, 0]]}", "agvs[0].footprint.polygon: a footprint polygon needs at least 3 corners, found 2"),
        ("{length: 1, width: 1, height: 0.4, polygon: [[0, 0], [1, 0], [0, 1]]}", "agvs[0].footprint: give either 'polygon' or 'length' and 'width', not both"),
    ])
    func badPolygonsNameTheirField(footprint: String, message: String) throws {
        let plant = try demo(replacing: Self.agv1, with: "  - id: AGV-01\n    kind: unit-load\n    footprint: \(footprint)\n")
        let result = try TwinBinary.run(["info", plant])
        #expect(result.status == 2)
        #expect(result.stderr.hasSuffix(": " + message + "\n"), "\(result.stderr)")
    }
}
