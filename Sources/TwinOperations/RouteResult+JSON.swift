import TwinCollision
import TwinJSON
import TwinLayout

extension RouteResult {
    /// One checked route as JSON: `route`, `agv`, then the report's members (see
    /// `RouteReport.json`), each obstacle placed in the plant (`entity` and its `node` in the
    /// model; `entity` null for an obstacle that is not an entity, such as a hall wall).
    public func json(plant: Plant) -> JSONObject {
        var out: JSONObject = ["route": .string(route.id), "agv": .string(agv)]
        out.merge(report.json(margin: margin, place: { Self.place($0, in: plant) }, edges: edges))
        return out
    }

    /// The document of a route check, the same for `twin check --json` and HTTP `/check`:
    /// `margin_m` (the margin of the last route, or `defaultMargin` when there is none) and `routes`.
    public static func json(_ results: [RouteResult], plant: Plant, defaultMargin: Double) -> JSONValue {
        ["margin_m": .number(results.last?.margin ?? defaultMargin),
         "routes": .array(results.map { .object($0.json(plant: plant)) })]
    }

    static func place(_ obstacle: String, in plant: Plant) -> JSONObject {
        guard let entity = plant.entity(id: obstacle) else { return ["entity": .null, "node": .string(obstacle)] }
        return ["entity": .string(obstacle), "node": .stringOrNull(entity.node.map { plant.nodes[$0].path })]
    }
}
