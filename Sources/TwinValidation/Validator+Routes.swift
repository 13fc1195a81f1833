import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

extension Validator {
    /// The routes to check and, for each, whether against every part (true) or only the changed ones.
    func routeScope(_ changes: LayoutDiff?) -> [(Route, Bool)] {
        guard let changes else { return plant.routes.map { ($0, true) } }
        let edges = Set(changes.edgesAdded + changes.edgesRemoved + changes.edgesChanged)
        let nodes = Set(changes.nodesAdded + changes.nodesRemoved + changes.nodesChanged)
        let keepOutChanged = !(changes.zonesAdded + changes.zonesRemoved + changes.zonesChanged).isEmpty
        let routes = Set(changes.routesChanged), agvs = Set(changes.agvsChanged)
        return plant.routes.map { route in
            var full = keepOutChanged || routes.contains(route.id) || agvs.contains(route.agv ?? "") || route.nodes.contains(where: nodes.contains)
            if !full {
                for (a, b) in zip(route.nodes, route.nodes.dropFirst()) {
                    guard let e = plant.network.edge(from: a, to: b), !edges.contains(e.id) else { full = true; break }
                }
            }
            return (route, full)
        }
    }

    func routes(_ changes: LayoutDiff?) -> ([Violation], [RouteResult]) {
        guard rules.routeMargin else { return ([], []) }
        var out: [Violation] = []
        var results: [RouteResult] = []
        let scope = routeScope(changes)
        let changed = changes.map { Array($0.changedEntities).sorted() } ?? []
        let allNames = boxes.map(\.name)
        for (route, full) in scope {
            // After a change, a route that kept its rules meets only what changed.
            let names = full ? allNames : changed.filter { boxIndex[$0] != nil }
            if !full && names.isEmpty { continue }
            let world = PlantCollision(plant: plant, parts: parts(names))
            coverage.routes += 1
            do {
                let checked = try world.check(routes: [route], plant: plant)
                for result in checked {
                    results.append(result)
                    guard result.isViolation else { continue }
                    if let c = result.report.firstContact {
                        out.append(Violation(rule: .route, entities: [route.id, result.agv, c.obstacle], measured: 0, required: result.margin,
                                             place: SIMD2(c.pose.x, c.pose.y),
                                             message: String(format: "route %@ (%@) collides with %@ at s = %.2f m", route.id, result.agv, c.obstacle, c.s)))
                    } else if let m = result.report.minimumClearance {
                        let pose = result.path.pose(at: m.s)
                        out.append(Violation(rule: .route, entities: [route.id, result.agv] + result.report.withinMargin, measured: m.distance,
                                             required: result.margin, place: SIMD2(pose.x, pose.y),
                                             message: String(format: "route %@ (%@) passes %.3f m from %@; its margin is %.2f m", route.id, result.agv, m.distance, m.obstacle, result.margin)))
                    }
                }
            } catch {
                out.append(Violation(rule: .route, entities: [route.id], message: "\(error)"))
            }
        }
        return (out, results)
    }

    // MARK: Stations

    func stations(_ changes: LayoutDiff?) -> [Violation] {
        guard rules.stationsReachable else { return [] }
        if let changes {
            let stationIds = Set(plant.entities.filter { $0.category == .station }.map(\.id))
            let touched = changes.networkChanged || !changes.changedEntities.isDisjoint(with: stationIds)
            if !touched { return [] }
        }
        let network = plant.network
        // Homes: the nodes the AGVs start at.
        var homes: [String] = []
        for agv in plant.entities where agv.category == .agv {
            guard let pose = agv.pose else { continue }
            if let node = network.nodes.min(by: { simdLength2($0.position - pose.position) < simdLength2($1.position - pose.position) }),
               simdLength2(node.position - pose.position) < 0.25 { homes.append(node.id) }
        }
        guard !homes.isEmpty else { return [] }
        var forward: [String: [String]] = [:], backward: [String: [String]] = [:]
        for e in network.edges {
            forward[e.start, default: []].append(e.end); backward[e.end, default: []].append(e.start)
            if e.bidirectional { forward[e.end, default: []].append(e.start); backward[e.start, default: []].append(e.end) }
        }
        func reach(_ from: String, _ graph: [String: [String]]) -> Set<String> {
            var seen: Set = [from], queue = [from]
            while let n = queue.popLast() { for m in graph[n] ?? [] where seen.insert(m).inserted { queue.append(m) } }
            return seen
        }
        // The network's main part: the nodes an AGV can drive to and back from, around the home
        // that shares it with the most other homes.
        var main: Set<String> = []
        var mainHome = homes[0]
        for home in Set(homes).sorted() {
            let component = reach(home, forward).intersection(reach(home, backward))
            let homesIn = homes.filter(component.contains).count
            if homesIn > homes.filter(main.contains).count || (homesIn == homes.filter(main.contains).count && component.count > main.count) {
                main = component; mainHome = home
            }
        }
        var out: [Violation] = []
        for station in plant.entities where station.category == .station || !station.networkNodes.isEmpty {
            guard let root = station.node else { continue }
            coverage.stations += 1
            // The station's outline on the floor (its box), and how far a node lies from it.
            var lo = PlantState.floorPlacement(of: plant.nodes[root].worldTransform).position, hi = lo
            if let i = boxIndex[station.id] { lo = SIMD2(boxes[i].lo.x, boxes[i].lo.y); hi = SIMD2(boxes[i].hi.x, boxes[i].hi.y) }
            func away(_ q: SIMD2<Double>) -> Double { simdLength2(pointwiseMax(pointwiseMax(lo - q, q - hi), .zero)).squareRoot() }
            let p = (lo + hi) / 2
            let what = station.category == .station ? "station \(station.id)" : "\(station.category.rawValue) \(station.id)"
            guard !station.networkNodes.isEmpty else {
                // Nothing declared: no guess by distance (the nearest node may serve another station).
                warnings.append(Warning(entities: [station.id], place: p,
                                        message: "\(what) names no network node (network_nodes: [...]): its access is not checked"))
                continue
            }
            for nodeId in station.networkNodes {
                guard let node = network.node(id: nodeId) else {
                    out.append(Violation(rule: .station, entities: [station.id, nodeId], place: p,
                                         message: "\(what) is served by network node \(nodeId), which the layout no longer has"))
                    continue
                }
                let distance = away(node.position)
                if let access = rules.stationAccess, distance > access {
                    out.append(Violation(rule: .station, entities: [station.id, nodeId], measured: distance, required: access, place: p,
                                         message: String(format: "%@ lies %.2f m from its network node %@; at most %.1f m allowed", what, distance, nodeId, access)))
                } else if !main.contains(nodeId) {
                    out.append(Violation(rule: .station, entities: [station.id, nodeId], place: p,
                                         message: "\(what) (node \(nodeId)) is cut off: AGVs cannot drive there from \(mainHome) and back"))
                }
            }
        }
        return out
    }

    // MARK: Aisles

    /// The stretch at either end of a route where the AGV docks rather than drives an aisle.
    static let docking = 3.0

    /// The free width across each route, every 0.5 m: from the nearest part on the left to the
    /// nearest on the right (stations and AGVs aside: they are what the route serves), between
    /// 2 cm and 2 m above the floor, where people and loads pass. Without `aisle_width_m` the
    /// width required is the widest AGV's plus 1 m, or more where the route's AGV is wider across
    /// its travel (driving sideways on an edge with an orientation: its length plus 1 m).
    func aisles(_ changes: LayoutDiff?) -> [Violation] {
        guard !rules.aisleWidthOff else { return [] }
        var widestAGV = 0.0
        for agv in plant.entities where agv.category == .agv {
            guard let f = agv.footprint else { continue }
            var width = f.width
            if let polygon = f.polygon {
                let ys = polygon.map(\.y)
                width = (ys.max() ?? 0) - (ys.min() ?? 0)
            }
            widestAGV = max(widestAGV, width, agv.load?.y ?? 0)
        }
        if widestAGV == 0 { widestAGV = 0.8 }
        let required = rules.aisleWidth ?? (widestAGV + 1.0)
        let reachMax = 10.0
        let heights = 0.02...2.0
        // Where to look: near changed entities (their new and old places), or everywhere.
        var hotspots: [(SIMD2<Double>, SIMD2<Double>)]?
        if let changes {
            hotspots = []
            for name in changes.changedEntities {
                if let i = boxIndex[name] { hotspots!.append((SIMD2(boxes[i].lo.x, boxes[i].lo.y), SIMD2(boxes[i].hi.x, boxes[i].hi.y))) }
            }
            for move in changes.moved { hotspots!.append((move.from.position - 5, move.from.position + 5)) }
        }
        let obstacles = boxes.filter { $0.entity?.category != .station && $0.entity?.category != .agv }
        var out: [Violation] = []
        let paths: [(Route, AGVPath)] = plant.routes.compactMap { route in
            (try? PlantCollision.path(of: route, in: plant.network)).map { (route, $0) }
        }
        for (route, path) in paths {
            let body = rules.aisleWidth == nil ? route.agv.flatMap { plant.entity(id: $0) }.flatMap { PlantCollision.body(of: $0, plant: plant)?.0 } : nil
            var narrowest: (width: Double, required: Double, s: Double, point: SIMD2<Double>, sides: [String])?
            let steps = max(1, Int(path.length / 0.5))
            for k in 0...steps {
                let s = path.length * Double(k) / Double(steps)
                // Docking at either end is not an aisle.
                if s < Self.docking || s > path.length - Self.docking { continue }
                // Across the way the AGV travels, not the way its body points (an edge's orientation).
                let (pose, travelHeading) = path.poseAndTravelHeading(at: s)
                guard let heading = travelHeading else { continue }
                let p = pose.position
                if let hotspots, !hotspots.contains(where: { p.x >= $0.0.x - reachMax && p.x <= $0.1.x + reachMax && p.y >= $0.0.y - reachMax && p.y <= $0.1.y + reachMax }) { continue }
                coverage.aisleSamples += 1
                let tangent = SIMD2(cos(heading), sin(heading))
                let left = SIMD2(-tangent.y, tangent.x)
                var sides: [String] = []
                var width = 0.0
                for direction in [left, -left] {
                    var best = reachMax, hit = "nothing within 10 m"
                    for box in obstacles {
                        // The ray's reach against the part's box, on the floor.
                        let lo = SIMD2(box.lo.x, box.lo.y), hi = SIMD2(box.hi.x, box.hi.y)
                        let end = p + direction * best
                        if max(p.x, end.x) < lo.x || min(p.x, end.x) > hi.x || max(p.y, end.y) < lo.y || min(p.y, end.y) > hi.y { continue }
                        if box.hi.z < heights.lowerBound || box.lo.z > heights.upperBound { continue }
                        guard let part = part(box.name), let d = part.tree.floorRay(from: p, direction: direction, maximum: best, heights: heights) else { continue }
                        if d < best { best = d; hit = box.name }
                    }
                    width += best
                    sides.append(hit)
                    if best == 0 { width = 0; sides = [hit, hit]; break }   // standing inside a part: no aisle at all
                }
                var need = required
                if let body {
                    // The body's extent across the direction of travel, and a metre beside it.
                    let across = body.box(at: pose).corners.map { simdDot($0 - p, left) }
                    let wide = (across.max() ?? 0) - (across.min() ?? 0) + 1.0
                    if wide > need + 1e-9 { need = wide }   // not for rounding: driving ahead, it is the width
                }
                if width < need - 1e-9, narrowest.map({ width - need < $0.width - $0.required }) ?? true {
                    narrowest = (width, need, s, p, sides)
                }
            }
            if let n = narrowest {
                out.append(Violation(rule: .aisle, entities: [route.id] + n.sides.filter { !$0.hasPrefix("nothing") }, measured: n.width, required: n.required, place: n.point,
                                     message: String(format: "the aisle of route %@ narrows to %.2f m at s = %.1f m (between %@ and %@); %.2f m required",
                                                     route.id, n.width, n.s, n.sides[0], n.sides[1], n.required)))
            }
        }
        return out
    }
}

@inline(__always) func simdLength2(_ v: SIMD2<Double>) -> Double { v.x * v.x + v.y * v.y }
