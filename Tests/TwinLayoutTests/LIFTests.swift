import Foundation
import Testing
import TwinGeometry
import TwinJSON
import TwinLIF
import TwinTestSupport
@testable import TwinLayout

/// VDMA LIF layouts read, checked, turned into the twin's network and written back.
@Suite("LIF layouts")
struct LIFTests {
    /// Two layouts; the first with two vehicle types, a quarter-circle edge, a GLOBAL orientation
    /// and a station; node-B's heading for the forklift differs from the tugger's.
    static let valid = #"""
    {"metaInformation": {"projectIdentification": "Test", "creator": "a test", "exportTimestamp": "2026-12-02T10:00:00Z", "lifVersion": "1.0.0"},
     "layouts": [
      {"layoutId": "hall-1", "layoutName": "Hall 1", "layoutVersion": "3",
       "nodes": [
         {"nodeId": "A", "nodePosition": {"x": 0, "y": 0}, "vehicleTypeNodeProperties": [{"vehicleTypeId": "tugger", "theta": 0}]},
         {"nodeId": "B", "nodePosition": {"x": 1, "y": 1}, "vehicleTypeNodeProperties": [{"vehicleTypeId": "tugger", "theta": 1.5707963267948966}, {"vehicleTypeId": "forklift", "theta": 3.0}]},
         {"nodeId": "C", "nodePosition": {"x": 1, "y": 3}, "vehicleTypeNodeProperties": []}],
       "edges": [
         {"edgeId": "A-B", "startNodeId": "A", "endNodeId": "B", "vehicleTypeEdgeProperties": [
           {"vehicleTypeId": "tugger", "vehicleOrientation": 90, "orientationType": "GLOBAL", "maxSpeed": 1.2,
            "trajectory": {"degree": 2, "knotVector": [0, 0, 0, 1, 1, 1],
                           "controlPoints": [{"x": 0, "y": 0, "weight": 1}, {"x": 1, "y": 0, "weight": 0.7071067811865476}, {"x": 1, "y": 1, "weight": 1}]}}]},
         {"edgeId": "B-C", "startNodeId": "B", "endNodeId": "C", "vehicleTypeEdgeProperties": [{"vehicleTypeId": "tugger"}, {"vehicleTypeId": "forklift"}]},
         {"edgeId": "C-A", "startNodeId": "C", "endNodeId": "A", "vehicleTypeEdgeProperties": [{"vehicleTypeId": "forklift"}]}],
       "stations": [{"stationId": "ST-1", "interactionNodeIds": ["B"], "stationPosition": {"x": 1.5, "y": 1, "theta": 0}}]},
      {"layoutId": "hall-2", "layoutVersion": "1",
       "nodes": [{"nodeId": "X", "nodePosition": {"x": 0, "y": 0}, "vehicleTypeNodeProperties": []}],
       "edges": [], "stations": []}]}
    """#

    static func read(_ text: String) throws(LIFError) -> LIFDocument { try LIFDocument.parse(Data(text.utf8), file: "t.lif.json") }

    @Test func aLayoutAndAVehicleTypeBecomeTheNetwork() throws {
        let document = try Self.read(Self.valid)
        #expect(document.layouts.count == 2)
        // Two layouts, two vehicle types: each choice is asked for, with the choices named.
        #expect(throws: LIFError.self) { try LIFImport(document, file: "t.lif.json") }
        do { _ = try LIFImport(document, file: "t.lif.json", layoutId: "hall-1") } catch {
            #expect(error.problems == ["layout 'hall-1' has edges for 2 vehicle types (tugger, forklift); choose one (--vehicle-type ID, or vehicle_type: in the manifest)"])
        }
        do { _ = try LIFImport(document, file: "t.lif.json", layoutId: "hall-3") } catch {
            #expect(error.problems == ["no layout 'hall-3' (the file's layouts: hall-1, hall-2)"])
        }
        let tugger = try LIFImport(document, file: "t.lif.json", layoutId: "hall-1", vehicleType: "tugger")
        let network = tugger.network
        #expect(network.nodes.map(\.id) == ["A", "B", "C"])
        #expect(network.node(id: "B")?.theta == .pi / 2)
        #expect(network.node(id: "C")?.theta == nil)
        #expect(network.edges.map(\.id) == ["A-B", "B-C"])
        #expect(tugger.edgesLeftOut == ["C-A"])
        let arc = try #require(network.edges[0].trajectory)
        #expect(abs(network.length(of: network.edges[0]) - .pi / 2) < 1e-6, "a quarter circle of radius 1")
        #expect(simdLength(arc.endPoint - SIMD2(1, 1)) < 1e-12)
        #expect(abs(network.edges[0].orientation! - .pi / 2) < 1e-12, "LIF's orientation is degrees")
        #expect(network.edges[0].orientationIsGlobal)
        #expect(tugger.warnings.contains { $0.contains("maxSpeed") }, "\(tugger.warnings)")
        let forklift = try LIFImport(document, file: "t.lif.json", layoutId: "hall-1", vehicleType: "forklift")
        #expect(forklift.network.edges.map(\.id) == ["B-C", "C-A"])
        #expect(forklift.network.node(id: "B")?.theta == 3.0)
    }

    /// LIF in, the twin's network out as LIF, read again: the same network.
    @Test func importExportImportGivesTheSameNetwork() throws {
        let first = try LIFImport(try Self.read(Self.valid), file: "t.lif.json", layoutId: "hall-1", vehicleType: "tugger")
        let written = LIFDocument(network: first.network, layoutId: "hall-1", layoutName: "Hall 1", vehicleType: "tugger",
                                  stations: first.layout.stations, creator: "test", exportTimestamp: "2026-12-02T10:00:00Z")
        let text = JSONWriter.string(written.json, pretty: true)
        let second = try LIFImport(try Self.read(text), file: "again.lif.json")
        #expect(Self.same(first.network, second.network))
        #expect(second.layout.stations == first.layout.stations)
        // And the plant.yaml the importer writes reads back as the same network too.
        // (without the edges' orientations: plant.yaml has no field for them, and says so).
        let yaml = first.manifestYAML(source: "t.lif.json")
        #expect(yaml.contains("vehicle orientations are not written here"))
        let manifest = try PlantManifest.parse(yaml: yaml, file: "/tmp/plant.yaml")
        var unoriented = first.network
        for i in unoriented.edges.indices { unoriented.edges[i].orientation = nil; unoriented.edges[i].orientationIsGlobal = false }
        #expect(Self.same(unoriented, manifest.network))
    }

    /// A two-way edge leaves as two LIF edges, the second running the trajectory backwards.
    @Test func aTwoWayEdgeLeavesAsTwo() throws {
        let arc = NURBSCurve.circularArc(center: SIMD2(0, 1), radius: 1, startAngle: -.pi / 2, sweep: .pi / 2)
        let network = AGVNetwork(nodes: [.init(id: "P", x: 0, y: 0), .init(id: "Q", x: 1, y: 1)],
                                 edges: [.init(id: "P-Q", start: "P", end: "Q", trajectory: arc, bidirectional: true)])
        let document = LIFDocument(network: network, layoutId: "l", layoutName: nil, vehicleType: "agv", creator: "test",
                                   exportTimestamp: "2026-12-02T10:00:00Z")
        let edges = document.layouts[0].edges
        #expect(edges.map(\.edgeId) == ["P-Q", "P-Q-reverse"])
        #expect(edges[1].startNodeId == "Q" && edges[1].endNodeId == "P")
        let back = try #require(edges[1].vehicleTypeEdgeProperties[0].trajectory)
        #expect(simdLength(back.startPoint - SIMD2(1, 1)) < 1e-12 && simdLength(back.endPoint - SIMD2(0, 0)) < 1e-12)
        let imported = try LIFImport(try Self.read(JSONWriter.string(document.json)), file: "x")
        #expect(imported.network.edge(from: "Q", to: "P")?.id == "P-Q-reverse")
    }

    /// Each kind of bad input is one line naming its JSON path; all of a file's problems are said.
    @Test(arguments: [
        ("{", "t.lif.json: not valid JSON: line 1, column"),
        (#"{"layouts": []}"#, "t.lif.json: $.metaInformation: required, missing"),
        (Self.valid.replacingOccurrences(of: #""lifVersion": "1.0.0""#, with: #""lifVersion": 1"#), "$.metaInformation.lifVersion: expected a string, found a number"),
        (Self.valid.replacingOccurrences(of: "2026-12-02T10:00:00Z", with: "yesterday"), "$.metaInformation.exportTimestamp: 'yesterday' is no ISO 8601 date-time"),
        (Self.valid.replacingOccurrences(of: #"{"x": 1, "y": 3}"#, with: #"{"x": "1", "y": 3}"#), "$.layouts[0].nodes[2].nodePosition.x: expected a number, found a string"),
        (Self.valid.replacingOccurrences(of: #""nodeId": "C""#, with: #""nodeId": "B""#), "$.layouts[0].nodes[2].nodeId: 'B' names two nodes"),
        (Self.valid.replacingOccurrences(of: #""endNodeId": "C""#, with: #""endNodeId": "D""#), "$.layouts[0].edges[1].endNodeId: unknown node 'D'"),
        (Self.valid.replacingOccurrences(of: #""theta": 0}]}"#, with: #""theta": 90}]}"#), "$.layouts[0].nodes[0].vehicleTypeNodeProperties[0].theta: 90 is not within -π and π radians (degrees?"),
        (Self.valid.replacingOccurrences(of: #""knotVector": [0, 0, 0, 1, 1, 1]"#, with: #""knotVector": [0, 1, 2]"#), "$.layouts[0].edges[0].vehicleTypeEdgeProperties[0].trajectory: not a valid NURBS"),
        (Self.valid.replacingOccurrences(of: #""orientationType": "GLOBAL""#, with: #""orientationType": "SIDEWAYS""#), "orientationType: 'SIDEWAYS' is not one of TANGENTIAL, GLOBAL"),
        (Self.valid.replacingOccurrences(of: #""interactionNodeIds": ["B"]"#, with: #""interactionNodeIds": ["Z"]"#), "$.layouts[0].stations[0].interactionNodeIds[0]: unknown node 'Z'"),
        (Self.valid.replacingOccurrences(of: #""layoutId": "hall-2""#, with: #""layoutId": "hall-1""#), "$.layouts[1].layoutId: 'hall-1' names two layouts"),
        (Self.valid.replacingOccurrences(of: #", "stations": []}]}"#, with: #"}]}"#), "$.layouts[1].stations: required, missing"),
    ])
    func badFilesNameTheirPath(text: String, expected: String) {
        do {
            _ = try Self.read(text)
            Issue.record("accepted: \(expected)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.problems.isEmpty)
        }
    }

    /// A trajectory that does not end at its nodes is said with both places.
    @Test func aTrajectoryAwayFromItsNodesIsSaid() throws {
        let text = Self.valid.replacingOccurrences(of: #"{"x": 1, "y": 1, "weight": 1}]"#, with: #"{"x": 1, "y": 1.5, "weight": 1}]"#)
        do {
            _ = try LIFImport(try Self.read(text), file: "t.lif.json", layoutId: "hall-1", vehicleType: "tugger")
            Issue.record("accepted")
        } catch {
            #expect(error.problems == ["$.layouts[0].edges[0].vehicleTypeEdgeProperties[0].trajectory: ends at (1.000, 1.500), 0.500 m from node 'B' at (1.000, 1.000)"])
        }
    }

    /// The example that ships with the schema is refused, every problem named: node thetas in
    /// degrees and a degree-3 NURBS with two control points.
    @Test(.enabled(if: TestPaths.hasShared)) func theSchemasExampleIsRefusedWithEveryProblem() throws {
        do {
            _ = try LIFDocument.read(path: TestPaths.shared + "/lif/example.lif.json")
            Issue.record("the example was accepted")
        } catch {
            let text = error.description
            #expect(text.contains("$.layouts[0].nodes[0].vehicleTypeNodeProperties[0].theta: 90 is not within"), "\(text)")
            #expect(text.contains("$.layouts[0].edges[0].vehicleTypeEdgeProperties[0].trajectory: not a valid NURBS"), "\(text)")
            #expect(text.contains("$.layouts[1].nodes[0].vehicleTypeNodeProperties[0].theta: 270"), "\(text)")
        }
    }

    /// A plant.yaml may read its network from a LIF file; mistakes there are the manifest's lines.
    @Test func aManifestReadsItsNetworkFromLIF() throws {
        let dir = NSTemporaryDirectory() + "lif-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.valid.write(toFile: dir + "/hall.lif.json", atomically: true, encoding: .utf8)
        let good = "name: LIF plant\nnetwork:\n  lif: hall.lif.json\n  layout: hall-1\n  vehicle_type: tugger\n  parking: [C]\n"
        let manifest = try PlantManifest.parse(yaml: good, file: dir + "/plant.yaml")
        #expect(manifest.network.edges.map(\.id) == ["A-B", "B-C"])
        #expect(manifest.network.parking == ["C"])
        for (yaml, expected) in [
            (good.replacingOccurrences(of: "  layout: hall-1\n", with: ""), "plant.yaml:3: network.lif: hall.lif.json: 2 layouts (hall-1, hall-2)"),
            (good.replacingOccurrences(of: "hall.lif.json", with: "nowhere.lif.json"), "plant.yaml:3: network.lif: file not found: nowhere.lif.json"),
            (good + "  nodes: []\n", "network.nodes: give the network's nodes and edges here or in the LIF file, not both"),
            ("name: x\nnetwork:\n  layout: hall-1\n", "plant.yaml:3: network.layout: 'layout' chooses within a LIF file: give 'lif' too"),
            (good.replacingOccurrences(of: "[C]", with: "[Q]"), "unknown network node 'Q'"),
        ] {
            do {
                _ = try PlantManifest.parse(yaml: yaml, file: dir + "/plant.yaml")
                Issue.record("accepted: \(expected)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
    }

    static func same(_ a: AGVNetwork, _ b: AGVNetwork) -> Bool {
        a.nodes.map { "\($0.id) \($0.x) \($0.y) \(String(describing: $0.theta))" } == b.nodes.map { "\($0.id) \($0.x) \($0.y) \(String(describing: $0.theta))" }
            && a.edges.count == b.edges.count
            && zip(a.edges, b.edges).allSatisfy { e, f in
                e.id == f.id && e.start == f.start && e.end == f.end && e.trajectory == f.trajectory && e.bidirectional == f.bidirectional
                    && e.orientation.map { o in f.orientation.map { abs($0 - o) < 1e-12 } ?? false } ?? (f.orientation == nil)
                    && e.orientationIsGlobal == f.orientationIsGlobal
            }
    }
}
