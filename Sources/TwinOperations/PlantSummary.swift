import Foundation
import TwinGeometry
import TwinJSON
import TwinLayout

/// What `twin info` reports about a loaded plant: files, counts, bounds, entities, network, zones,
/// cameras and load times. `json` is its document, the same wherever a plant is described.
public struct PlantSummary: Sendable {
    public struct Network: Sendable {
        public var nodes: Int
        public var edges: Int
        public var curvedEdges: Int
        public var routes: Int
    }

    public var name: String
    public var source: String
    public var files: [String]
    public var nodes: Int
    public var meshes: Int
    public var triangles: Int
    public var meshTriangles: Int
    public var degenerateTrianglesDropped: Int
    public var nonTriangleFaces: Int
    /// Scene bounds (glTF metres, Y up), all zero for an empty plant.
    public var boundsMin: SIMD3<Double>
    public var boundsMax: SIMD3<Double>
    /// Entities per category, every category listed.
    public var entities: [(category: String, count: Int)]
    public var network: Network
    /// Zones per kind, sorted by kind.
    public var zones: [(kind: String, count: Int)]
    public var cameras: [String]
    /// Doors (exits marked), crane areas, and the service areas and material-flow links the
    /// entities declare: what the validator's rules from practice use.
    public var doors: [(id: String, exit: Bool)]
    public var cranes: [String]
    public var serviceAreas: Int
    public var links: Int
    public var parseSeconds: Double
    public var processSeconds: Double
    /// Every node path with its triangles, for `--nodes`.
    public var nodePaths: [(path: String, triangles: Int)]

    public init(_ plant: Plant) {
        name = plant.name
        source = plant.source
        var seen = Set<String>()
        files = plant.models.map(\.path).filter { seen.insert($0).inserted }
        nodes = plant.nodes.count
        meshes = plant.meshes.count
        triangles = plant.triangleCount
        meshTriangles = plant.meshTriangleCount
        degenerateTrianglesDropped = plant.report.degenerateTriangles
        nonTriangleFaces = plant.report.nonTriangleFaces
        let b = plant.bounds
        boundsMin = b.isEmpty ? .zero : SIMD3(Double(b.min.x), Double(b.min.y), Double(b.min.z))
        boundsMax = b.isEmpty ? .zero : SIMD3(Double(b.max.x), Double(b.max.y), Double(b.max.z))
        entities = EntityCategory.allCases.map { ($0.rawValue, plant.entityCounts[$0] ?? 0) }
        network = Network(nodes: plant.network.nodes.count, edges: plant.network.edges.count,
                          curvedEdges: plant.network.edges.filter { $0.trajectory != nil }.count, routes: plant.routes.count)
        zones = plant.zones.reduce(into: [String: Int]()) { $0[$1.kind.rawValue, default: 0] += 1 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        cameras = plant.cameras.map(\.name)
        doors = plant.doors.map { ($0.id, $0.exit) }
        cranes = plant.cranes.map(\.id)
        serviceAreas = plant.entities.reduce(0) { $0 + $1.serviceAreas.count }
        links = plant.entities.reduce(0) { $0 + $1.links.count }
        parseSeconds = plant.report.parseSeconds
        processSeconds = plant.report.processSeconds
        nodePaths = plant.nodes.map { node in (node.path, node.meshes.reduce(0) { $0 + plant.meshes[$1].geometry.triangleCount }) }
    }

    /// The summary as JSON; with `nodePaths`, every node path too (`node_paths` [{path, triangles}]).
    public func json(nodePaths withNodes: Bool = false) -> JSONValue {
        func point(_ p: SIMD3<Double>) -> JSONValue { [.number(p.x, places: 6), .number(p.y, places: 6), .number(p.z, places: 6)] }
        func count(_ n: Int) -> JSONValue { .number(Double(n)) }
        var out: JSONObject = [
            "name": .string(name), "source": .string(source), "files": .array(files.map(JSONValue.string)),
            "nodes": count(nodes), "meshes": count(meshes), "triangles": count(triangles), "mesh_triangles": count(meshTriangles),
            "degenerate_triangles_dropped": count(degenerateTrianglesDropped), "non_triangle_faces": count(nonTriangleFaces),
            "bounds": ["min": point(boundsMin), "max": point(boundsMax), "frame": "scene: glTF meters, Y up; the floor's (x, y) is (X, -Z)"],
            "entities": .object(JSONObject(entities.map { .init(key: $0.category, value: count($0.count)) })),
            "network": ["nodes": count(network.nodes), "edges": count(network.edges), "curved_edges": count(network.curvedEdges),
                        "routes": count(network.routes)],
            "zones": .object(JSONObject(zones.map { .init(key: $0.kind, value: count($0.count)) })),
            "cameras": .array(cameras.map(JSONValue.string)),
            "doors": .array(doors.map { ["id": .string($0.id), "exit": .bool($0.exit)] }),
            "cranes": .array(cranes.map(JSONValue.string)),
            "service_areas": count(serviceAreas), "links": count(links),
            "timings": ["parse_s": .number(parseSeconds, places: 6), "process_s": .number(processSeconds, places: 6)],
        ]
        if withNodes {
            out.append("node_paths", .array(nodePaths.map { ["path": .string($0.path), "triangles": count($0.triangles)] }))
        }
        return .object(out)
    }
}
