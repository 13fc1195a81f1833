import ArgumentParser
import Foundation
import TwinGeometry
import TwinLayout

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a plant: files, counts, bounds, entities, network and load times.",
        discussion: "PLANT is a plant.yaml manifest or any model file Assimp reads (glTF, OBJ, FBX, STL, ...).")

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "List every node path (the names a manifest binds entities to).")
    var nodes = false

    @OptionGroup var load: LoadOptions

    func run() throws {
        let plant = try load.loadPlant(self.plant)
        let summary = PlantSummary(plant)
        if json {
            print(try summary.jsonString())
        } else {
            print(summary.text())
        }
        if nodes {
            for node in plant.nodes {
                let triangles = node.meshes.reduce(0) { $0 + plant.meshes[$1].geometry.triangleCount }
                print(triangles > 0 ? "\(node.path)  (\(triangles) triangles)" : node.path)
            }
        }
    }
}

/// What `twin info` reports, in the shape of its JSON.
struct PlantSummary: Encodable {
    struct Bounds: Encodable {
        var min: [Double]
        var max: [Double]
        var frame = "scene: glTF meters, Y up; the floor's (x, y) is (X, -Z)"
    }

    struct Network: Encodable {
        var nodes: Int
        var edges: Int
        var curved_edges: Int
        var routes: Int
    }

    struct Timings: Encodable {
        var parse_s: Double
        var process_s: Double
    }

    var name: String
    var source: String
    var files: [String]
    var nodes: Int
    var meshes: Int
    var triangles: Int
    var mesh_triangles: Int
    var degenerate_triangles_dropped: Int
    var bounds: Bounds
    var entities: [String: Int]
    var network: Network
    var zones: [String: Int]
    var cameras: [String]
    var timings: Timings

    init(_ plant: Plant) {
        name = plant.name
        source = plant.source
        var seen = Set<String>()
        files = plant.models.map(\.path).filter { seen.insert($0).inserted }
        nodes = plant.nodes.count
        meshes = plant.meshes.count
        triangles = plant.triangleCount
        mesh_triangles = plant.meshTriangleCount
        degenerate_triangles_dropped = plant.report.degenerateTriangles
        let b = plant.bounds
        bounds = Bounds(min: b.isEmpty ? [0, 0, 0] : [b.min.x, b.min.y, b.min.z],
                        max: b.isEmpty ? [0, 0, 0] : [b.max.x, b.max.y, b.max.z])
        entities = Dictionary(uniqueKeysWithValues: EntityCategory.allCases.map { c in
            (c.rawValue, plant.entityCounts[c] ?? 0)
        })
        network = Network(nodes: plant.network.nodes.count, edges: plant.network.edges.count,
                          curved_edges: plant.network.edges.filter { $0.trajectory != nil }.count,
                          routes: plant.routes.count)
        zones = plant.zones.reduce(into: [:]) { $0[$1.kind.rawValue, default: 0] += 1 }
        cameras = plant.cameras.map(\.name)
        timings = Timings(parse_s: plant.report.parseSeconds, process_s: plant.report.processSeconds)
        report = plant.report
    }

    private var report: LoadReport
    private enum CodingKeys: String, CodingKey {
        case name, source, files, nodes, meshes, triangles, mesh_triangles, degenerate_triangles_dropped, bounds,
             entities, network, zones, cameras, timings
    }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    func text() -> String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
        lines.append("\(name)  (\(source))")
        row("files", "\(files.count): " + files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
        row("nodes", grouped(nodes))
        row("meshes", grouped(meshes))
        var triangleText = "\(grouped(triangles)) drawn"
        if mesh_triangles != triangles { triangleText += " (\(grouped(mesh_triangles)) in distinct meshes)" }
        if degenerate_triangles_dropped > 0 { triangleText += "; \(grouped(degenerate_triangles_dropped)) degenerate dropped" }
        if report.nonTriangleFaces > 0 { triangleText += "; \(grouped(report.nonTriangleFaces)) point and line faces left out" }
        row("triangles", triangleText)
        if bounds.min == bounds.max {
            row("bounds", "empty")
        } else {
            let lo = bounds.min, hi = bounds.max
            row("bounds", String(format: "floor x %.2f .. %.2f, y %.2f .. %.2f, height %.2f .. %.2f m",
                                 lo[0], hi[0], -hi[2], -lo[2], lo[1], hi[1]))
            row("", String(format: "(%.2f x %.2f x %.2f m)", hi[0] - lo[0], hi[2] - lo[2], hi[1] - lo[1]))
        }
        let entityText = EntityCategory.allCases.compactMap { c -> String? in
            guard let n = entities[c.rawValue], n > 0 else { return nil }
            return "\(n) \(c.rawValue)\(n == 1 ? "" : "s")"
        }
        row("entities", entityText.isEmpty ? "none" : entityText.joined(separator: ", "))
        row("network", "\(network.nodes) nodes, \(network.edges) edges (\(network.curved_edges) curved), \(network.routes) routes")
        row("zones", zones.isEmpty ? "none" : zones.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        row("cameras", cameras.isEmpty ? "none" : cameras.joined(separator: ", "))
        row("load", String(format: "%.3f s: Assimp parse %.3f s, our processing %.3f s",
                           timings.parse_s + timings.process_s, timings.parse_s, timings.process_s))
        return lines.joined(separator: "\n")
    }
}

/// 1234567 as "1,234,567".
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}
