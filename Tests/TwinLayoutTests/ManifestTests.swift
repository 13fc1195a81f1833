import Foundation
import Testing
@testable import TwinLayout

@Suite("Plant manifests")
struct ManifestTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture() }

    @Test func aValidManifestParsesCompletely() throws {
        let manifest = try PlantManifest.load(path: fixture.manifest(Fixture.valid))
        #expect(manifest.name == "Test Cell")
        #expect(manifest.models.map(\.id) == ["cell"])
        #expect(manifest.models[0].position == SIMD3(10, 20, 0))
        #expect(manifest.entities.map(\.id) == ["P-1", "R-1", "AGV-1"])
        #expect(manifest.entities[2].pose == .init(x: 0, y: 0, theta: 0))
        #expect(manifest.network.nodes.count == 3)
        #expect(manifest.network.edges[0].trajectory != nil)
        #expect(manifest.network.edge(from: "C", to: "B") != nil, "a bidirectional edge works both ways")
        #expect(manifest.network.edge(from: "B", to: "A") == nil, "a one-way edge does not")
        #expect(abs(manifest.network.length(of: manifest.network.edges[0]) - .pi) < 1e-6)
        #expect(manifest.routes[0].nodes == ["A", "B", "C", "B"])
        #expect(manifest.zones[0].kind == .keepOut)
        #expect(manifest.cameras[0].projection == .orthographic(height: 12))
        #expect(manifest.cameras[1].projection == .perspective(fovDegrees: 50))
    }

    /// An entity names the network nodes that serve it.
    @Test func entitiesDeclareTheirNetworkNodes() throws {
        let text = Fixture.valid.replacingOccurrences(of: "{id: P-1, kind: press, node: cell/Press-1}",
                                                      with: "{id: P-1, kind: press, node: cell/Press-1, network_nodes: [A, B]}")
        let plant = try PlantLoader().load(path: fixture.manifest(text))
        #expect(plant.entity(id: "P-1")?.networkNodes == ["A", "B"])
        #expect(plant.entity(id: "R-1")?.networkNodes == [])
    }

    /// Doors and exits, crane areas, service areas and material-flow links, and the rules from
    /// practice that use them.
    @Test func doorsCranesServiceAreasAndLinksAreDeclared() throws {
        let text = Fixture.valid.replacingOccurrences(
            of: "{id: P-1, kind: press, node: cell/Press-1}",
            with: "{id: P-1, kind: press, node: cell/Press-1, service: [{side: north}, {side: east, depth_m: 1.2}], links: [R-1, {to: R-1, within_m: 1.5}]}")
            + "\ndoors:\n  - {id: D-1, from: [0, 0], to: [1.2, 0], height_m: 2.1, exit: true}\n  - {id: D-2, from: [5, 0], to: [9, 0]}\n"
            + "cranes:\n  - {id: CR-1, area: [[0, 0], [10, 0], [10, 5], [0, 5]], hook_height_m: 6}\n"
            + "rules:\n  escape_distance_m: 25\n  exit_height_m: off\n  forklift_aisles: {turning_radius_m: 1.95, load_distance_m: 0.45}\n  link_gap_m: 0.02\n"
        let plant = try PlantLoader().load(path: fixture.manifest(text))
        let press = try #require(plant.entity(id: "P-1"))
        #expect(press.serviceAreas == [ServiceArea(side: .north), ServiceArea(side: .east, depth: 1.2)])
        #expect(press.links == [MaterialLink(to: "R-1"), MaterialLink(to: "R-1", within: 1.5)])
        #expect(plant.doors.map(\.id) == ["D-1", "D-2"] && plant.doors[0].exit && !plant.doors[1].exit)
        #expect(abs(plant.doors[0].width - 1.2) < 1e-12 && plant.doors[0].height == 2.1 && plant.doors[1].height == nil)
        #expect(plant.cranes.first?.hookHeight == 6 && plant.cranes.first?.polygon.count == 4)
        #expect(plant.rules.escapeDistance == 25 && plant.rules.exitHeight == nil && plant.rules.escapeWidth == 0.90 && plant.rules.linkGap == 0.02)
        // VDI 2198: Ast = Wa + x + l6 + a, the load 1.2 m long and a = 0.2 m unless given.
        #expect(abs((plant.rules.forklift?.width ?? 0) - (1.95 + 0.45 + 1.2 + 0.2)) < 1e-12)
    }

    /// VDA 5050 orders (JSON) write `degree: 2.0`; the manifest takes it as the orders do, and
    /// still refuses a degree that is not whole.
    @Test func aWholeNumberWrittenWithADecimalPointIsWhole() throws {
        let text = Fixture.valid.replacingOccurrences(of: "degree: 2", with: "degree: 2.0")
        #expect(text != Fixture.valid)
        let manifest = try PlantManifest.load(path: fixture.manifest(text))
        #expect(abs(manifest.network.length(of: manifest.network.edges[0]) - .pi) < 1e-6)
        let message = try errorFor(replacing: "degree: 2", with: "degree: 2.5")
        #expect(message.hasSuffix("/plant.yaml:24: network.edges[0].trajectory.degree: expected a whole number, found '2.5'"))
    }

    /// Replaces `old` with `new` in the valid manifest and returns the load error's message.
    func errorFor(replacing old: String, with new: String) throws -> String {
        let text = Fixture.valid.replacingOccurrences(of: old, with: new)
        #expect(text != Fixture.valid, "the replacement must change the manifest")
        let path = try fixture.manifest(text)
        do {
            _ = try PlantLoader().load(path: path)
        } catch {
            return error.description
        }
        Issue.record("expected an error")
        return ""
    }

    @Test(arguments: [
        // (old, new, expected message)
        ("name: Test Cell", "name: [Test", "plant.yaml:2: not valid YAML"),
        ("name: Test Cell\n", "", "plant.yaml:1: name: missing required field"),
        ("rotation_deg: 90", "rotation_deg: 90\n    colour: red", "plant.yaml:7: models[0].colour: unknown field (expected one of: id, file, position, rotation_deg, scale, up)"),
        ("rotation_deg: 90", "rotation_deg: ninety", "plant.yaml:6: models[0].rotation_deg: expected a number, found 'ninety'"),
        ("position: [10, 20]", "position: [10]", "plant.yaml:5: models[0].position: expected 2 to 3 numbers, found 1"),
        ("file: cell.glb", "file: missing.glb", "plant.yaml:4: models[0].file: file not found: missing.glb"),
        ("{id: R-1, kind: robot", "{id: P-1, kind: robot", "plant.yaml:9: machines[1]: duplicate entity id 'P-1' (first declared on line 8)"),
        ("node: cell/Robot}", "node: cell/Robot/Hand}", "plant.yaml:9: machine R-1.node: unknown node path 'cell/Robot/Hand'"),
        ("node: cell/Robot}", "node: shop/Robot}", "plant.yaml:9: machines[1].node: node path 'shop/Robot' does not start with a model id (known: cell)"),
        ("node: cell/Robot}", "model: cell, node: cell/Robot}", "plant.yaml:9: machines[1]: give either 'node' or 'model', not both"),
        ("length: 1.2", "length: -1.2", "plant.yaml:12: agvs[0].footprint.length: must be greater than zero, found -1.2"),
        ("width: 0.8", "width: .nan", "plant.yaml:12: agvs[0].footprint.width: expected a number, found '.nan'"),
        ("width: 0.8", "width: nan", "plant.yaml:12: agvs[0].footprint.width: must be a finite number, found 'nan'"),
        ("height: 0.4}\n    start: A", "height: 0.4}\n    start: Q", "plant.yaml:13: agvs[0].start: unknown network node 'Q'"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, network_nodes: [A, Q]}",
         "plant.yaml:8: machines[0].network_nodes[1]: unknown network node 'Q'"),
        ("{id: C, x: 2, y: 6}", "{id: B, x: 2, y: 6}", "plant.yaml:18: network.nodes[2]: duplicate network node id 'B' (first declared on line 17)"),
        ("{id: B-C, start: B, end: C,", "{id: B-C, start: B, end: D,", "plant.yaml:30: network.edges[1].end: unknown network node 'D'"),
        ("knot_vector: [0, 0, 0, 1, 1, 1]", "knot_vector: [0, 0, 1, 1, 1]", "plant.yaml:24: network.edges[0].trajectory: malformed NURBS: knot vector has 5 knots; control points + degree + 1 = 6"),
        ("- {x: 2, y: 2, weight: 1}", "- {x: 2, y: 3, weight: 1}", "plant.yaml:24: network.edges[0].trajectory: the trajectory ends at (2.000, 3.000), 1.000 m from node 'B' at (2.000, 2.000)"),
        ("weight: 0.7071067811865476", "weight: -1", "plant.yaml:28: network.edges[0].trajectory.control_points[1].weight: must be greater than zero, found -1.0"),
        ("nodes: [A, B, C, B]", "nodes: [A, C]", "plant.yaml:32: routes[0].nodes[1]: no edge leads from 'A' to 'C'"),
        ("agv: AGV-1, nodes", "agv: AGV-9, nodes", "plant.yaml:32: routes[0].agv: unknown AGV 'AGV-9'"),
        ("polygon: [[0, 0], [1, 0], [1, 1]]", "polygon: [[0, 0], [1, 0]]", "plant.yaml:34: zones[0].polygon: a polygon needs at least 3 corners, found 2"),
        ("kind: keep-out", "kind: no-go", "plant.yaml:34: zones[0].kind: unknown zone kind 'no-go' (expected one of: keep-out, safety, walkway)"),
        ("polygon: [[0, 0], [1, 0], [1, 1]]", "polygon: [[0, 0], [1, 1], [2, 2]]", "plant.yaml:34: zones[0].polygon: the polygon has no area"),
        ("ortho_height: 12", "ortho_height: 12, fov_deg: 40", "plant.yaml:36: cameras[0]: give exactly one of 'fov_deg' (perspective) or 'ortho_height' (orthographic)"),
        ("fov_deg: 50", "fov_deg: 180", "plant.yaml:37: cameras[1].fov_deg: must be between 0 and 180 degrees, found 180.0"),
        ("eye: [0, -10, 5]", "eye: [10, 20, 0]", "plant.yaml:37: cameras[1]: eye and target are the same point"),
        ("up: [0, 1, 0]", "up: [0, 0, 1]", "plant.yaml:36: cameras[0]: 'up' is zero or parallel to the view direction"),
        ("{name: side,", "{name: top,", "plant.yaml:37: cameras[1]: duplicate camera id 'top' (first declared on line 36)"),
        ("id: AGV-1\n", "id: AGV-1\n    id: AGV-2\n", "plant.yaml:11: duplicate key 'id'"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, service: [{side: up}]}",
         "plant.yaml:8: machines[0].service[0].side: unknown side 'up' (expected one of: north, east, south, west; +y is north)"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, service: [{side: north, depth_m: 0}]}",
         "plant.yaml:8: machines[0].service[0].depth_m: must be greater than zero, found 0.0"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, links: [Q-9]}",
         "plant.yaml:8: machines[0].links[0]: unknown entity 'Q-9'"),
        ("{id: R-1, kind: robot, node: cell/Robot}", "{id: R-1, kind: robot, node: cell/Robot, links: [{to: R-1}]}",
         "plant.yaml:9: machines[1].links[0]: an entity cannot link to itself"),
        ("cameras:", "doors:\n  - {id: D-1, from: [0, 0], to: [0, 0]}\ncameras:",
         "plant.yaml:36: doors[0].to: a door's opening runs from 'from' to 'to': the two lie 0.0 m apart"),
        ("cameras:", "doors:\n  - {id: D-1, from: [0, 0], to: [1, 0], exit: maybe}\ncameras:",
         "plant.yaml:36: doors[0].exit: expected true or false"),
        ("cameras:", "cranes:\n  - {id: CR-1, area: [[0, 0], [1, 0], [1, 1]], hook_height_m: -2}\ncameras:",
         "plant.yaml:36: cranes[0].hook_height_m: must be greater than zero, found -2.0"),
        // Docks, handling and cycle times, AGV drive and loads, parking: what transport planning reads.
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, docks: {in: A, out: Q}}",
         "plant.yaml:8: machines[0].docks.out: unknown network node 'Q'"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, docks: {}}",
         "plant.yaml:8: machines[0].docks: give 'in', 'out' or both (network nodes)"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, docks: {in: A, side: B}}",
         "plant.yaml:8: machines[0].docks.side: unknown field (expected one of: in, out)"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, dock: A, docks: {in: B}}",
         "plant.yaml:8: machines[0].dock: give either 'docks' or 'dock', not both"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, handling_s: 20}",
         "plant.yaml:8: machines[0].handling_s: 'handling_s' needs 'docks' or 'dock'"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, dock: A, handling_s: -5}",
         "plant.yaml:8: machines[0].handling_s: must not be negative, found -5.0"),
        ("{id: P-1, kind: press, node: cell/Press-1}", "{id: P-1, kind: press, node: cell/Press-1, cycle_s: 0}",
         "plant.yaml:8: machines[0].cycle_s: must be greater than zero, found 0.0"),
        ("height: 0.4}\n    start: A", "height: 0.4}\n    start: A\n    speed_mps: fast", "plant.yaml:14: agvs[0].speed_mps: expected a number, found 'fast'"),
        ("height: 0.4}\n    start: A", "height: 0.4}\n    start: A\n    rotation_speed_radps: 0", "plant.yaml:14: agvs[0].rotation_speed_radps: must be greater than zero, found 0.0"),
        ("height: 0.4}\n    start: A", "height: 0.4}\n    start: A\n    load_types: bin", "plant.yaml:14: agvs[0].load_types: expected a list"),
        ("  edges:\n", "  parking: [A, Q]\n  edges:\n", "plant.yaml:19: network.parking[1]: unknown network node 'Q'"),
        ("  edges:\n", "  parking: [A, A]\n  edges:\n", "plant.yaml:19: network.parking[1]: parking place 'A' is listed twice"),
        ("cameras:", "rules:\n  escape_walk_factor: 0.5\ncameras:",
         "plant.yaml:36: rules.escape_walk_factor: a walk is never shorter than the straight line: expected 1 or more, found 0.5"),
        ("cameras:", "rules:\n  forklift_aisles: {working_aisle_m: 3.5, turning_radius_m: 2}\ncameras:",
         "plant.yaml:36: rules.forklift_aisles.working_aisle_m: give working_aisle_m (a datasheet's Ast) or turning_radius_m and load_distance_m, not both"),
    ])
    func everyKindOfBadInputNamesFileLineAndField(old: String, new: String, expected: String) throws {
        let message = try errorFor(replacing: old, with: new)
        #expect(message.hasPrefix(fixture.directory + "/" + expected), "got: \(message)")
        #expect(!message.contains("\n"), "one line")
    }

    @Test func anEmptyManifestIsAnError() throws {
        let path = try fixture.manifest("")
        #expect(throws: LayoutError.manifest(file: path, line: nil, field: "", message: "the manifest is empty")) {
            try PlantManifest.load(path: path)
        }
    }

    @Test func aMissingManifestIsAnError() {
        #expect(throws: LayoutError.fileNotFound(path: "/nonexistent/plant.yaml", referencedFrom: nil, line: nil)) {
            try PlantLoader().load(path: "/nonexistent/plant.yaml")
        }
    }
}
