import TwinCollision
import TwinGeometry
import TwinLayout

/// One route checked: the AGV that drives it, its path (with the edge of each segment), the check
/// that measured it and what it found.
public struct RouteResult: Sendable {
    public var route: Route
    public var agv: String
    public var path: AGVPath
    public var edges: [String]
    public var margin: Double
    public var check: RouteCheck
    public var report: RouteReport

    /// A contact, or an obstacle closer than the margin.
    public var isViolation: Bool { report.collides || !report.withinMargin.isEmpty }
}

extension PlantCollision {
    /// Checks routes through `network` (the plant's own by default) against this world's
    /// obstacles: each driven by `agv` or the route's own AGV, keeping `margin` or the AGV's own.
    public func check(routes: [Route], plant: Plant, network: AGVNetwork? = nil, agv: String? = nil,
                      margin: Double? = nil) throws(TwinError) -> [RouteResult] {
        var results: [RouteResult] = []
        for route in routes {
            guard let agvId = agv ?? route.agv else { throw .noAGV(route: route.id) }
            guard let entity = plant.entity(id: agvId), entity.category == .agv,
                  let (body, ownMargin) = Self.body(of: entity, plant: plant) else { throw .unknownAGV(agvId) }
            let (path, edges) = try Self.pathWithEdges(of: route, in: network ?? plant.network)
            let check = RouteCheck(body: body, margin: margin ?? ownMargin, obstacles: obstacleSet)
            results.append(RouteResult(route: route, agv: agvId, path: path, edges: edges, margin: margin ?? ownMargin,
                                       check: check, report: check.check(path)))
        }
        return results
    }
}
