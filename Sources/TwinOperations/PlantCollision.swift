import Foundation
import TwinCollision
import TwinGeometry
import TwinLayout

/// A plant seen by the collision checks: every entity (but the AGVs) and every other part of the
/// layout as an obstacle made of its triangles in the floor frame, the floor left out; keep-out
/// zones as obstacles of any height; routes as paths through the AGV network.
public struct PlantCollision: Sendable {
    /// The obstacles with their broad phase, built once for every check of this world.
    public let obstacleSet: ObstacleSet
    public var obstacles: [Obstacle] { obstacleSet.obstacles }
    /// The parts the mesh obstacles come from (a later layout version reuses those unchanged).
    public let parts: [PlantPart]

    /// The world of `plant`; with `previous` (the world of an earlier version of the same plant's
    /// layout), the triangle trees of parts that did not change are taken from it, not built again.
    public init(plant: Plant, reusing previous: PlantCollision? = nil) {
        self.init(plant: plant, parts: PlantPart.parts(of: plant, reusing: previous?.parts ?? []))
    }

    /// The world of `parts` (all the plant's, or some of them), the plant's sketched obstacles
    /// and its keep-out zones.
    public init(plant: Plant, parts: [PlantPart]) {
        self.parts = parts
        var obstacles = parts.map { Obstacle(name: $0.name, shape: .mesh($0.tree)) }
        for sketch in plant.sketchedObstacles {
            let p = sketch.position
            switch sketch.shape {
            case let .box(size, yaw):
                obstacles.append(Obstacle(name: sketch.id, shape: .box(UprightBox(
                    center: SIMD2(p.x, p.y), halfSize: SIMD2(size.x, size.y) / 2, yaw: yaw * .pi / 180, bottom: p.z, top: p.z + size.z))))
            case let .cylinder(radius, height):
                obstacles.append(Obstacle(name: sketch.id, shape: .cylinder(UprightCylinder(
                    center: SIMD2(p.x, p.y), radius: radius, bottom: p.z, top: p.z + height))))
            }
        }
        for zone in plant.zones where zone.kind == .keepOut {
            obstacles.append(Obstacle(name: zone.id, shape: .zone(zone.polygon)))
        }
        obstacleSet = ObstacleSet(obstacles)
    }

    /// The body of an AGV entity for the checks (its footprint, enlarged by its load) and the
    /// clearance it keeps (its own margin, else the plant's).
    public static func body(of agv: Entity, plant: Plant) -> (AGVBody, Double)? {
        guard let footprint = agv.footprint else { return nil }
        let margin = agv.margin ?? plant.defaultMargin
        if var polygon = footprint.polygon {
            // A load enlarges the polygon to the hull of both, centered like the polygon's extent.
            if let load = agv.load {
                let xs = polygon.map(\.x), ys = polygon.map(\.y)
                let c = SIMD2((xs.min()! + xs.max()!) / 2, (ys.min()! + ys.max()!) / 2), h = load / 2
                polygon = ConvexHull.of(polygon + [c - h, SIMD2(c.x + h.x, c.y - h.y), c + h, SIMD2(c.x - h.x, c.y + h.y)])
            }
            return (AGVBody(polygon: polygon, height: footprint.height), margin)
        }
        let length = max(footprint.length, agv.load?.x ?? 0), width = max(footprint.width, agv.load?.y ?? 0)
        return (AGVBody(length: length, width: width, height: footprint.height, centerOffset: agv.referenceOffset), margin)
    }

    /// The path of a route: its edges in order, straight or along their trajectories, with a turn
    /// on the spot wherever one edge leaves a node in another direction than the last arrived.
    public static func path(of route: Route, in network: AGVNetwork, initialHeading: Double? = nil) throws(TwinError) -> AGVPath {
        try pathWithEdges(of: route, in: network, initialHeading: initialHeading).path
    }

    /// The path of a route and, for each of its segments, the id of the edge it belongs to (a turn
    /// on the spot belongs to the edge it turns onto). Given `initialHeading`, the AGV stands
    /// so at the first node and turns on the spot onto the first edge where it must.
    public static func pathWithEdges(of route: Route, in network: AGVNetwork,
                                     initialHeading: Double? = nil) throws(TwinError) -> (path: AGVPath, edges: [String]) {
        var edgeIds: [String] = []
        var segments: [AGVPath.Segment] = []
        var headings: [AGVPath.Heading] = []
        var heading: Double? = initialHeading
        for (a, b) in zip(route.nodes, route.nodes.dropFirst()) {
            guard let edge = network.edge(from: a, to: b), let start = network.node(id: a), let end = network.node(id: b) else {
                throw .missingEdge(route: route.id, from: a, to: b)
            }
            let forward = edge.start == a
            var piece: AGVPath.Segment
            var startHeading: Double, endHeading: Double
            if let curve = edge.trajectory {
                let reversed = forward ? curve : curve.reversed()
                piece = .curve(reversed)
                let range = reversed.parameterRange
                let t0 = reversed.tangent(at: range.lowerBound), t1 = reversed.tangent(at: range.upperBound)
                startHeading = atan2(t0.y, t0.x); endHeading = atan2(t1.y, t1.x)
            } else {
                piece = .line(from: start.position, to: end.position)
                let d = end.position - start.position
                startHeading = atan2(d.y, d.x); endHeading = startHeading
            }
            // The edge's orientation: relative to the tangent, or fixed in the map frame.
            var rule = AGVPath.Heading.tangent(offset: 0)
            if let orientation = edge.orientation {
                if edge.orientationIsGlobal {
                    rule = .fixed(orientation)
                    startHeading = orientation; endHeading = orientation
                } else {
                    rule = .tangent(offset: orientation)
                    startHeading += orientation; endHeading += orientation
                }
            }
            if let heading, abs(remainder(startHeading - heading, 2 * .pi)) > 1e-6 {
                segments.append(.turn(at: start.position, from: heading, to: startHeading))
                headings.append(.tangent(offset: 0))
                edgeIds.append(edge.id)
            }
            segments.append(piece)
            headings.append(rule)
            edgeIds.append(edge.id)
            heading = endHeading
        }
        return (AGVPath(segments, headings: headings), edgeIds)
    }
}
