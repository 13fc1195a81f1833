import ArgumentParser
import Foundation

import TwinJSON
import TwinLayout
import TwinLIF

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read another tool's layout file into the twin's formats.",
        discussion: """
            Examples:
              twin import lif layout.lif.json -o plant.yaml
              twin import lif layout.lif.json --layout hall-2 --vehicle-type tugger
            """,
        subcommands: [ImportLIFCommand.self])
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the plant in another tool's format.",
        discussion: """
            Examples:
              twin export lif Assets/demo/plant.yaml -o demo.lif.json
            """,
        subcommands: [ExportLIFCommand.self])
}

struct ImportLIFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lif",
        abstract: "Read a VDMA LIF 1.0 layout (nodes, edges with NURBS trajectories, stations) as the twin's AGV network.",
        discussion: """
            Every rule of the LIF 1.0 JSON schema is checked, and the twin's own: unique ids, edges \
            between known nodes, trajectories that are valid NURBS and start and end at their nodes, \
            node headings in radians. Each problem is one line with its JSON path; the exit status \
            is then 2. The network is the chosen layout's nodes and the edges of one vehicle type \
            (--vehicle-type, needed where the layout names several); it goes to a plant.yaml to \
            start from (the stations as comments, to bind to machines). A plant.yaml can also read \
            the LIF file itself: network: {lif: FILE, layout: ID, vehicle_type: ID}.

            Examples:
              twin import lif layout.lif.json -o plant.yaml
              twin import lif layout.lif.json --layout hall-2 --vehicle-type tugger
            """)

    @Argument(help: "The LIF file (JSON).")
    var file: String

    @Option(help: "The layout to read (by layoutId), where the file holds several.")
    var layout: String?

    @Option(help: "The vehicle type whose edges and node headings to take, where the layout names several.")
    var vehicleType: String?

    @Option(name: .shortAndLong, help: "Where to write the plant.yaml (default: standard output).")
    var output: String?

    func run() throws {
        let imported: LIFImport
        do {
            imported = try LIFImport(try LIFDocument.read(path: file), file: file, layoutId: layout, vehicleType: vehicleType)
        } catch {
            throw CLIFailure.badInput(error.description.replacingOccurrences(of: "\n", with: "\ntwin: error: "))
        }
        for warning in imported.warnings { FileHandle.standardError.write(Data("twin: warning: \(file): \(warning)\n".utf8)) }
        let yaml = imported.manifestYAML(source: URL(fileURLWithPath: file).lastPathComponent)
        guard let output else {
            print(yaml, terminator: "")
            return
        }
        do { try yaml.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw CLIFailure.cannotWrite(output, error) }
        let left = imported.edgesLeftOut.isEmpty ? "" : "; \(imported.edgesLeftOut.count) edges are for other vehicle types"
        print("\(output): layout \(imported.layout.layoutId)\(imported.vehicleType.isEmpty ? "" : ", vehicle type \(imported.vehicleType)"): "
              + "\(imported.network.nodes.count) nodes, \(imported.network.edges.count) edges, \(imported.layout.stations.count) stations\(left)")
    }
}

struct ExportLIFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lif",
        abstract: "Write the plant's AGV network as a VDMA LIF 1.0 layout.",
        discussion: """
            One layout, for one vehicle type: every node (its heading), every edge (a two-way edge \
            as two: LIF has no bidirectional edges; the second is named ID-reverse and runs the \
            trajectory backwards), and a station for every entity that names its network nodes or \
            docks. The file validates against the LIF 1.0 schema.

            Examples:
              twin export lif Assets/demo/plant.yaml -o demo.lif.json
              twin export lif Assets/demo/plant.yaml --vehicle-type agv-500 --layout-id hall-1
            """)

    @Argument(help: "The plant.yaml.")
    var plant: String

    @Option(name: .shortAndLong, help: "Where to write the LIF file (default: standard output).")
    var output: String?

    @Option(help: "The vehicle type the edges are for.")
    var vehicleType: String = "agv"

    @Option(help: "The layout's id (default: the plant's name).")
    var layoutId: String?

    func run() throws {
        guard PlantLoader.isManifest(plant) else {
            throw CLIFailure.badInput("\(plant): give a plant.yaml (a model file has no AGV network)")
        }
        let manifest: PlantManifest
        do { manifest = try PlantManifest.load(path: plant) } catch { throw CLIFailure.badInput(error.description) }
        guard !manifest.network.nodes.isEmpty else { throw CLIFailure.badInput("\(plant): the plant has no AGV network (network: in plant.yaml)") }
        var stations: [LIFDocument.Station] = []
        for entity in manifest.entities where entity.category != .agv {
            var nodes = entity.networkNodes
            if let docks = entity.docks {
                for n in [docks.inbound, docks.outbound] where !nodes.contains(n) { nodes.append(n) }
            }
            guard !nodes.isEmpty else { continue }
            var station = LIFDocument.Station(stationId: entity.id, interactionNodeIds: nodes)
            station.stationName = entity.kind.map { "\(entity.category.rawValue) \($0)" } ?? entity.category.rawValue
            if let pose = entity.pose { station.position = (pose.x, pose.y, remainder(pose.theta, 2 * .pi)) }
            stations.append(station)
        }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let document = LIFDocument(network: manifest.network, layoutId: layoutId ?? manifest.name, layoutName: manifest.name,
                                   vehicleType: vehicleType, stations: stations,
                                   creator: "FactoryTwin \(FactoryTwinVersion.string)", exportTimestamp: stamp)
        let text = JSONWriter.string(document.json, pretty: true) + "\n"
        guard let output else {
            print(text, terminator: "")
            return
        }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw CLIFailure.cannotWrite(output, error) }
        let layout = document.layouts[0]
        print("\(output): layout \(layout.layoutId): \(layout.nodes.count) nodes, \(layout.edges.count) edges, \(layout.stations.count) stations")
    }
}
