import Foundation

/// Several AGVs driving at once, as a fleet file gives them:
///
/// ```yaml
/// agvs:
///   - {agv: AGV-01, route: R-LOOP, start_s: 0, speed_mps: 1.0}
///   - {agv: AGV-02, order: orders/agv-02.json, start_s: 4, speed_mps: 0.8, rotation_speed_radps: 0.8}
///   - {agv: AGV-03, nodes: [P-01, P-01-J, S3], start_s: 10, speed_mps: 1.2, start_heading_rad: 1.5708}
///   - {agv: AGV-03, nodes: [S3, S4], start_s: 40, speed_mps: 1.2}
///   - {agv: AGV-09, like: AGV-01, nodes: [P-07], speed_mps: 1.2, start_heading_rad: 0}
/// ```
///
/// Each entry drives a route of the plant, a VDA 5050 order file (relative to the fleet file) or
/// a list of network nodes, sets off at `start_s`, drives at `speed_mps` and turns on the spot at
/// `rotation_speed_radps` (else an order's least `maxRotationSpeed`, else half a radian per
/// second). An AGV may have several entries: it drives them one after another in the order of
/// their start times, each setting off with the heading the one before ended with (the first with
/// `start_heading_rad` where given); a single node stands there. An AGV that is not in the
/// plant takes the body of the one `like` names. `twin plan --fleet-out` writes this form.
public struct FleetPlan: Sendable {
    public struct Entry: Sendable {
        public enum Source: Sendable {
            case route(Route)
            case order(VDA5050Order)
            /// Network nodes, each pair joined by an edge; one node stands there.
            case nodes([String])
        }

        public var agv: String
        /// The plant's AGV whose body it has: itself, or the one `like` names.
        public var bodyOf: String
        public var source: Source
        public var startSeconds: Double
        public var speed: Double
        /// Radians per second on turns on the spot, when the file or the order gives it.
        public var rotationSpeed: Double?
        /// The heading (radians) it stands with before it sets off, where the file gives it.
        public var startHeading: Double?
        public var line: Int?
    }

    /// The most nodes one entry may list.
    public static let maximumNodes = 100_000

    public var entries: [Entry]

    /// Reads and checks a fleet file against the plant's AGVs and routes.
    public static func load(path: String, plant: Plant) throws(LayoutError) -> FleetPlan {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let top = try ManifestField.document(text, file: path, emptyMessage: "the fleet file is empty").mapping(allowed: ["agvs"])
        var entries: [Entry] = []
        for item in try top.required("agvs").sequence() {
            let m = try item.mapping(allowed: ["agv", "like", "route", "order", "nodes", "start_s", "speed_mps", "rotation_speed_radps",
                                                       "start_heading_rad"])
            let agvField = try m.required("agv")
            let agv = try agvField.string()
            let bodyOf: String
            if let like = m.optional("like") {
                bodyOf = try like.string()
                guard plant.entity(id: bodyOf)?.category == .agv else { throw like.error("unknown AGV '\(bodyOf)'") }
                guard plant.entity(id: agv) == nil || agv == bodyOf else {
                    throw like.error("'\(agv)' is in the plant and has its own body; 'like' is for AGVs the plant does not have")
                }
            } else {
                bodyOf = agv
                guard plant.entity(id: agv)?.category == .agv else {
                    throw agvField.error("unknown AGV '\(agv)' (an AGV the plant does not have needs 'like: AGV' to take a body)")
                }
            }
            let source: Entry.Source
            switch (m.optional("route"), m.optional("order"), m.optional("nodes")) {
            case (nil, nil, let n?):
                let items = try n.sequence()
                guard !items.isEmpty else { throw n.error("give at least one node") }
                guard items.count <= maximumNodes else { throw n.error("more than \(maximumNodes) nodes") }
                var nodes: [String] = []
                for item in items {
                    let id = try item.string()
                    guard plant.network.node(id: id) != nil else { throw item.error("unknown node '\(id)'") }
                    if let last = nodes.last, plant.network.edge(from: last, to: id) == nil {
                        throw item.error("no edge from \(last) to \(id)")
                    }
                    nodes.append(id)
                }
                source = .nodes(nodes)
            case (let r?, nil, nil):
                let id = try r.string()
                guard let route = plant.routes.first(where: { $0.id == id }) else { throw r.error("unknown route '\(id)'") }
                source = .route(route)
            case (nil, let o?, nil):
                let file = try o.string()
                let resolved = FilePaths.resolve(file, besides: path)
                do {
                    source = .order(try VDA5050Order.load(path: resolved, network: plant.network))
                } catch {
                    throw o.error(error.description)
                }
            default:
                throw item.error("give exactly one of 'route', 'order' or 'nodes'")
            }
            var rotation = try m.optional("rotation_speed_radps")?.positiveDouble()
            if rotation == nil, case .order(let order) = source { rotation = order.maxRotationSpeed }
            entries.append(Entry(agv: agv, bodyOf: bodyOf, source: source, startSeconds: try m.optional("start_s")?.nonNegativeDouble() ?? 0,
                                 speed: try m.required("speed_mps").positiveDouble(), rotationSpeed: rotation,
                                 startHeading: try m.optional("start_heading_rad")?.double(), line: item.line))
        }
        guard !entries.isEmpty else { throw LayoutError.manifest(file: path, line: nil, field: "agvs", message: "a fleet needs at least one AGV") }
        return FleetPlan(entries: entries)
    }
}
