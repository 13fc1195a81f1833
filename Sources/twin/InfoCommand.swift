import ArgumentParser
import Foundation
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a plant: files, counts, bounds, entities, network and load times.",
        discussion: """
            PLANT is a plant.yaml manifest or any model file Assimp reads (glTF, OBJ, FBX, STL, ...).

            Examples:
              twin info Assets/demo/plant.yaml
              twin info Assets/demo/plant.yaml --json --nodes
              twin info Assets/demo/hall.glb
            """)

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "List every node path (the names a manifest binds entities to); with --json, as node_paths.")
    var nodes = false

    @OptionGroup var load: LoadOptions

    func run() throws {
        let plant = try load.loadPlant(self.plant)
        let summary = PlantSummary(plant)
        if json {
            // JSON only: with --nodes, the paths are part of the document.
            print(JSONWriter.string(summary.json(nodePaths: nodes), pretty: true))
            return
        }
        print(summary.text())
        if nodes {
            for node in summary.nodePaths {
                print(node.triangles > 0 ? "\(node.path)  (\(node.triangles) triangles)" : node.path)
            }
        }
    }
}

/// `twin info`'s text: the summary in aligned rows, then (with --nodes) every node path.
extension PlantSummary {
    func text() -> String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 11, withPad: " ", startingAt: 0) + value) }
        lines.append("\(name)  (\(source))")
        row("files", "\(files.count): " + files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", "))
        row("nodes", grouped(nodes))
        row("meshes", grouped(meshes))
        var triangleText = "\(grouped(triangles)) drawn"
        if meshTriangles != triangles { triangleText += " (\(grouped(meshTriangles)) in distinct meshes)" }
        if degenerateTrianglesDropped > 0 { triangleText += "; \(grouped(degenerateTrianglesDropped)) degenerate dropped" }
        if nonTriangleFaces > 0 { triangleText += "; \(grouped(nonTriangleFaces)) point and line faces left out" }
        row("triangles", triangleText)
        if boundsMin == boundsMax {
            row("bounds", "empty")
        } else {
            let lo = boundsMin, hi = boundsMax
            row("bounds", String(format: "floor x %.2f .. %.2f, y %.2f .. %.2f, height %.2f .. %.2f m",
                                 lo[0], hi[0], -hi[2], -lo[2], lo[1], hi[1]))
            row("", String(format: "(%.2f x %.2f x %.2f m)", hi[0] - lo[0], hi[2] - lo[2], hi[1] - lo[1]))
        }
        let entityText = entities.compactMap { e -> String? in
            guard e.count > 0 else { return nil }
            return "\(e.count) \(e.category)\(e.count == 1 ? "" : "s")"
        }
        row("entities", entityText.isEmpty ? "none" : entityText.joined(separator: ", "))
        row("network", "\(network.nodes) nodes, \(network.edges) edges (\(network.curvedEdges) curved), \(network.routes) routes")
        row("zones", zones.isEmpty ? "none" : zones.map { "\($0.count) \($0.kind)" }.joined(separator: ", "))
        row("cameras", cameras.isEmpty ? "none" : cameras.joined(separator: ", "))
        if !doors.isEmpty {
            let exits = doors.filter(\.exit).count
            row("doors", "\(doors.map(\.id).joined(separator: ", ")) (\(exits == 0 ? "no exit" : exits == 1 ? "1 exit" : "\(exits) exits"))")
        }
        if !cranes.isEmpty { row("cranes", cranes.joined(separator: ", ")) }
        if serviceAreas + links > 0 {
            row("declared", "\(serviceAreas) service area\(serviceAreas == 1 ? "" : "s"), \(links) material-flow link\(links == 1 ? "" : "s")")
        }
        row("load", String(format: "%.3f s: Assimp parse %.3f s, our processing %.3f s",
                           parseSeconds + processSeconds, parseSeconds, processSeconds))
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
