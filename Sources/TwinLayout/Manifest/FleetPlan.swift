import Foundation

/// Several AGVs driving at once, as a fleet file gives them:
///
/// ```yaml
/// agvs:
///   - {agv: AGV-01, route: R-LOOP, start_s: 0, speed_mps: 1.0}
///   - {agv: AGV-02, order: orders/agv-02.json, start_s: 4, speed_mps: 0.8, rotation_speed_radps: 0.8}
/// ```
///
/// Each AGV drives a route of the plant or a VDA 5050 order file (relative to the fleet file),
/// sets off at `start_s`, drives at `speed_mps` and turns on the spot at `rotation_speed_radps`
/// (else an order's least `maxRotationSpeed`, else half a radian per second).
public struct FleetPlan: Sendable {
    public struct Entry: Sendable {
        public enum Source: Sendable {
            case route(Route)
            case order(VDA5050Order)
        }

        public var agv: String
        public var source: Source
        public var startSeconds: Double
        public var speed: Double
        /// Radians per second on turns on the spot, when the file or the order gives it.
        public var rotationSpeed: Double?
        public var line: Int?
    }

    public var entries: [Entry]

    /// Reads and checks a fleet file against the plant's AGVs and routes.
    public static func load(path: String, plant: Plant) throws(LayoutError) -> FleetPlan {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let top = try ManifestField.document(text, file: path, emptyMessage: "the fleet file is empty").mapping(allowed: ["agvs"])
        var entries: [Entry] = []
        for item in try top.required("agvs").sequence() {
            let m = try item.mapping(allowed: ["agv", "route", "order", "start_s", "speed_mps", "rotation_speed_radps"])
            let agvField = try m.required("agv")
            let agv = try agvField.string()
            guard plant.entity(id: agv)?.category == .agv else { throw agvField.error("unknown AGV '\(agv)'") }
            let source: Entry.Source
            switch (m.optional("route"), m.optional("order")) {
            case (let r?, nil):
                let id = try r.string()
                guard let route = plant.routes.first(where: { $0.id == id }) else { throw r.error("unknown route '\(id)'") }
                source = .route(route)
            case (nil, let o?):
                let file = try o.string()
                let resolved = FilePaths.resolve(file, besides: path)
                do {
                    source = .order(try VDA5050Order.load(path: resolved, network: plant.network))
                } catch {
                    throw o.error(error.description)
                }
            default:
                throw item.error("give exactly one of 'route' or 'order'")
            }
            var rotation = try m.optional("rotation_speed_radps")?.positiveDouble()
            if rotation == nil, case .order(let order) = source { rotation = order.maxRotationSpeed }
            entries.append(Entry(agv: agv, source: source, startSeconds: try m.optional("start_s")?.nonNegativeDouble() ?? 0,
                                 speed: try m.required("speed_mps").positiveDouble(), rotationSpeed: rotation, line: item.line))
        }
        guard !entries.isEmpty else { throw LayoutError.manifest(file: path, line: nil, field: "agvs", message: "a fleet needs at least one AGV") }
        return FleetPlan(entries: entries)
    }
}
