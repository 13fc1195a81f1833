import Foundation
import Testing
import TwinLayout
import TwinLIF

/// `twin import lif` and `twin export lif` end to end on the demo plant and the schema's example.
@Suite("LIF through the CLI")
struct LIFCommandTests {
    static let schema = TwinBinary.repository + "/../shared/lif/lif-schema.json"

    /// The LIF 1.0 schema's verdict on `file` (draft 7, with its format checks): nil when it holds.
    static func schemaProblems(_ file: String) throws -> String? {
        try SchemaCheck.problems(try String(contentsOfFile: file, encoding: .utf8), schemaFile: schema,
                                 validator: "jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())")
    }

    /// The demo's network leaves as LIF that the schema accepts, comes back as a plant.yaml whose
    /// network is the demo's (two-way edges as two), and that plant.yaml leaves as the same LIF.
    @Test func theDemoNetworkRoundTrips() throws {
        let dir = try HostileInputTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let export = try TwinBinary.run(["export", "lif", "Assets/demo/plant.yaml", "-o", dir + "/demo.lif.json"])
        #expect(export.status == 0, "\(export.stderr)")
        if SchemaCheck.python != nil && FileManager.default.fileExists(atPath: Self.schema) {
            #expect(try Self.schemaProblems(dir + "/demo.lif.json") == nil)
        }
        let imported = try TwinBinary.run(["import", "lif", dir + "/demo.lif.json", "-o", dir + "/plant.yaml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let demo = try PlantManifest.load(path: TwinBinary.repository + "/Assets/demo/plant.yaml").network
        let back = try PlantManifest.load(path: dir + "/plant.yaml").network
        #expect(back.nodes.map(\.id) == demo.nodes.map(\.id))
        #expect(back.nodes.map(\.position) == demo.nodes.map(\.position))
        #expect(back.edges.count == demo.edges.count + demo.edges.filter(\.bidirectional).count)
        for edge in demo.edges {
            #expect(back.edge(from: edge.start, to: edge.end)?.trajectory == edge.trajectory, "\(edge.id)")
            if edge.bidirectional { #expect(back.edge(from: edge.end, to: edge.start) != nil, "\(edge.id) back") }
        }
        let again = try TwinBinary.run(["export", "lif", dir + "/plant.yaml", "--layout-id", "Demo Assembly Hall", "-o", dir + "/again.lif.json"])
        #expect(again.status == 0, "\(again.stderr)")
        let first = try LIFDocument.read(path: dir + "/demo.lif.json").layouts[0], second = try LIFDocument.read(path: dir + "/again.lif.json").layouts[0]
        #expect(second.nodes == first.nodes)
        #expect(second.edges == first.edges)
    }

    /// The schema's own example is refused line by line, each with its JSON path, exit status 2.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: TwinBinary.repository + "/../shared/lif/example.lif.json")))
    func theExampleIsRefusedLineByLine() throws {
        let result = try TwinBinary.run(["import", "lif", "../shared/lif/example.lif.json", "--layout", "layout-001", "--vehicle-type", "vehicle-001"])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count >= 3, "\(result.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("twin: error: ../shared/lif/example.lif.json: $.layouts[") }, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Files that are no LIF, and choices the file does not hold, are one clear line each.
    @Test func badFilesAndChoicesAreSaid() throws {
        let dir = try HostileInputTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[1, 2".write(toFile: dir + "/broken.json", atomically: true, encoding: .utf8)
        let broken = try TwinBinary.run(["import", "lif", dir + "/broken.json"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("twin: error: \(dir)/broken.json: not valid JSON: line 1, column"), "\(broken.stderr)")
        let missing = try TwinBinary.run(["import", "lif", dir + "/none.json"])
        #expect(missing.status == 2 && missing.stderr == "twin: error: \(dir)/none.json: file not found\n", "\(missing.stderr)")
        _ = try TwinBinary.run(["export", "lif", "Assets/demo/plant.yaml", "-o", dir + "/demo.lif.json"])
        let layout = try TwinBinary.run(["import", "lif", dir + "/demo.lif.json", "--layout", "hall-9"])
        #expect(layout.status == 2 && layout.stderr.contains("no layout 'hall-9' (the file's layouts: Demo Assembly Hall)"), "\(layout.stderr)")
        let type = try TwinBinary.run(["import", "lif", dir + "/demo.lif.json", "--vehicle-type", "crane"])
        #expect(type.status == 2 && type.stderr.contains("names no vehicle type 'crane' (its vehicle types: agv)"), "\(type.stderr)")
        let model = try TwinBinary.run(["export", "lif", "Assets/demo/hall.glb"])
        #expect(model.status == 2 && model.stderr.contains("give a plant.yaml"), "\(model.stderr)")
    }
}
