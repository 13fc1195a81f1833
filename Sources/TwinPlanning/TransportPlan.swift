import Foundation
import TwinCollision
import TwinGeometry
import TwinLayout
import TwinOperations
#if canImport(Glibc)
import Glibc
#endif

/// A verified plan for a shift: every AGV's timed path, what happened to each order, the
/// figures a planner asks for, and the exact fleet check that confirmed it.
public struct TransportPlan: Sendable {
    public var result: DispatchResult
    public var verification: FleetCheck.Report
    public var metrics: PlanMetrics
    /// Orders that could not be read or resolved, one line each.
    public var rejected: [String]

    public var timelines: [AGVTimeline] { result.vehicles }
    public var graph: PlanningGraph { result.graph }
}

/// The figures of a plan.
public struct PlanMetrics: Sendable {
    public var orders: Int
    public var done: Int
    public var onTime: Int
    /// Seconds from release to drop, over the orders done.
    public var meanLeadTime: Double
    public var p95LeadTime: Double
    /// Seconds from the first release to the last drop.
    public var makespan: Double
    /// Busy share of each AGV's time up to the makespan, averaged.
    public var utilization: Double
    /// Share of the distance driven without a load (to pickups, to parking and chargers).
    public var emptyTravelShare: Double
    /// Seconds AGVs stood waiting for others on their way (not at docks, not parked).
    public var waiting: Double
    public var planningSeconds: Double
    public var verificationSeconds: Double
    public var minimumSeparation: Double
    public var conflicts: Int
    public var charges: Int

    public var onTimeShare: Double { done > 0 ? Double(onTime) / Double(done) : 0 }
}

/// The planner's front door: a plant, its orders and a fleet size in, a verified plan out.
public enum TransportPlanner {
    /// The AGVs of `plant` that can be planned, and, when `count` asks for more, copies of the
    /// first one at free parking places (AGV-06, AGV-07, ...); fewer: the first `count`.
    public static func fleet(of plant: Plant, count: Int? = nil) throws(PlanningError) -> [PlanningAGV] {
        var agvs: [PlanningAGV] = []
        for entity in plant.entities where entity.category == .agv {
            guard let (body, margin) = PlantCollision.body(of: entity, plant: plant) else { continue }
            guard let pose = entity.pose else { throw .plant("\(entity.id): needs a start node to be planned for") }
            guard let node = plant.network.nodes.first(where: { n in
                let d = n.position - SIMD2(pose.x, pose.y); return (d.x * d.x + d.y * d.y).squareRoot() <= 0.3
            }) else { throw .plant(String(format: "%@ stands at (%.2f, %.2f), on no network node", entity.id, pose.x, pose.y)) }
            agvs.append(PlanningAGV(id: entity.id, body: body, margin: margin, drive: entity.drive ?? .standard,
                                    loadTypes: entity.loadTypes, startNode: node.id, startHeading: pose.theta))
        }
        guard let first = agvs.first else { throw .plant("the plant has no AGV with a footprint and a start node") }
        guard let count else { return agvs }
        guard count >= 1 else { throw .plant("--agvs must be at least 1") }
        if count <= agvs.count { return Array(agvs.prefix(count)) }
        let taken = Set(agvs.map(\.startNode))
        let free = plant.network.parking.filter { !taken.contains($0) }
        guard free.count >= count - agvs.count else {
            throw .plant("\(count) AGVs need \(count - agvs.count) more free parking places to start at; the network has \(free.count) (network: parking:)")
        }
        let digits = max(2, String(count).count)
        var k = agvs.count
        for spot in free.prefix(count - agvs.count) {
            k += 1
            var copy = first
            copy.copyOf = first.id
            copy.id = "AGV-" + String(repeating: "0", count: max(0, digits - String(k).count)) + String(k)
            while agvs.contains(where: { $0.id == copy.id }) { copy.id += "x" }
            copy.startNode = spot
            let n = plant.network.node(id: spot)!
            copy.startHeading = n.theta ?? 0
            agvs.append(copy)
        }
        return agvs
    }

    /// The graph for a fleet: its largest body (a rectangle around all footprints) and margin.
    public static func graph(of plant: Plant, fleet: [PlanningAGV]) -> PlanningGraph {
        var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
        for agv in fleet {
            for c in agv.body.box(at: Pose2D(x: 0, y: 0, theta: 0)).corners { lo = pointwiseMin(lo, c); hi = pointwiseMax(hi, c) }
        }
        let size = hi - lo, center = (hi + lo) / 2
        let body = AGVBody(length: size.x, width: size.y, height: fleet.map(\.body.height).max() ?? 1, centerOffset: center)
        return PlanningGraph(network: plant.network, body: body, margin: fleet.map(\.margin).max() ?? plant.defaultMargin)
    }

    /// Plans `orders` for `fleet`, then verifies the plan with the exact fleet check. A plan that
    /// fails verification is a bug: it throws, it is never returned.
    public static func plan(plant: Plant, orders: [TransportOrder], fleet: [PlanningAGV], graph: PlanningGraph? = nil,
                            settings: DispatchSettings = DispatchSettings(), rejected: [String] = [],
                            progress: (String) -> Void = { _ in }) throws(PlanningError) -> TransportPlan {
        let clock = ContinuousClock.now
        let graph = graph ?? self.graph(of: plant, fleet: fleet)
        // Orders no AGV can reach are rejected before planning.
        var plannable: [TransportOrder] = []
        var rejected = rejected
        var reach: [Int: [Double]] = [:]
        for order in orders {
            guard let p = graph.node(order.pickup), let d = graph.node(order.drop) else { continue }
            let toDrop = reach[d] ?? graph.distances(to: d); reach[d] = toDrop
            let toPickup = reach[p] ?? graph.distances(to: p); reach[p] = toPickup
            if !toDrop[p].isFinite {
                rejected.append("order \(order.id): \(order.to) (\(order.drop)) cannot be reached from \(order.from) (\(order.pickup)) on the network")
            } else if !fleet.contains(where: { a in graph.node(a.startNode).map { toPickup[$0].isFinite } ?? false }) {
                rejected.append("order \(order.id): no AGV can reach \(order.from) (\(order.pickup)) on the network")
            } else {
                plannable.append(order)
            }
        }
        let parking = plant.network.parking
        let chargers = plant.entities.filter { $0.category == .station && $0.kind == "charger" }.flatMap(\.networkNodes)
        let dispatcher = try FleetDispatcher(graph: graph, agvs: fleet, orders: plannable, parking: parking, chargers: chargers, settings: settings)
        let result = dispatcher.run()
        let planning = (ContinuousClock.now - clock).seconds
        progress(String(format: "planned in %.2f s; verifying with the exact fleet check", planning))
        let verifyClock = ContinuousClock.now
        let members = fleetMembers(result)
        let report = FleetCheck(members: members).check()
        let verification = (ContinuousClock.now - verifyClock).seconds
        if let c = report.conflicts.first {
            throw .bug(String(format: "the plan fails verification: %@ meet at (%.2f, %.2f) at t = %.2f s", c.agvs.joined(separator: " and "),
                              c.position.x, c.position.y, c.time))
        }
        if let n = report.withinMargin.first {
            throw .bug(String(format: "the plan fails verification: %@ come %.3f m close at t = %.2f s (margin %.2f m)", n.agvs.joined(separator: " and "),
                              n.separation, n.time, n.margin))
        }
        var metrics = Self.metrics(result, planning: planning, verification: verification)
        metrics.minimumSeparation = report.minimumSeparation
        return TransportPlan(result: result, verification: report, metrics: metrics, rejected: rejected)
    }

    /// The plan as the fleet check sees it: each AGV's moves, joined into legs wherever it drives
    /// on without stopping, with a turn on the spot wherever it leaves a node in a new direction.
    public static func fleetMembers(_ result: DispatchResult) -> [FleetCheck.Member] {
        result.vehicles.map { v in
            FleetCheck.Member(name: v.agv.id, legs: legs(of: v, graph: result.graph).map { leg in
                FleetCheck.Member.Leg(body: v.agv.body, path: AGVPath(leg.segments, headings: leg.headings), speed: v.agv.drive.speed,
                                      rotationSpeed: v.agv.drive.rotationSpeed, start: leg.start)
            }, margin: v.agv.margin)
        }
    }

    /// A stretch driven without stopping.
    public struct Leg: Sendable {
        public var start: Double
        public var segments: [AGVPath.Segment]
        public var headings: [AGVPath.Heading]
        public var nodes: [String]
        public var edges: [String]
    }

    public static func legs(of v: AGVTimeline, graph: PlanningGraph) -> [Leg] {
        // An AGV that never moves stands where it starts, all the time: the check must see it too.
        guard !v.moves.isEmpty else {
            guard let node = graph.node(v.startNode) else { return [] }
            return [Leg(start: 0, segments: [.turn(at: graph.positions[node], from: v.startHeading, to: v.startHeading)],
                        headings: [.tangent(offset: 0)], nodes: [v.startNode], edges: [])]
        }
        var legs: [Leg] = []
        var lastArrival = -Double.infinity
        for move in v.moves {
            let arc = graph.arcs[move.arc]
            if legs.isEmpty || abs(move.turnStart - lastArrival) > 1e-6 {
                legs.append(Leg(start: move.turnStart, segments: [], headings: [], nodes: [graph.nodeIds[arc.from]], edges: []))
            }
            let angle = abs(remainder(arc.startHeading - move.fromHeading, 2 * .pi))
            if angle > 1e-6 {
                legs[legs.count - 1].segments.append(.turn(at: graph.positions[arc.from], from: move.fromHeading, to: arc.startHeading))
                legs[legs.count - 1].headings.append(.tangent(offset: 0))
            }
            legs[legs.count - 1].segments.append(arc.segment)
            legs[legs.count - 1].headings.append(arc.heading)
            legs[legs.count - 1].nodes.append(graph.nodeIds[arc.to])
            legs[legs.count - 1].edges.append(arc.edge)
            lastArrival = move.arrival
        }
        return legs
    }

    static func metrics(_ result: DispatchResult, planning: Double, verification: Double) -> PlanMetrics {
        let byId = Dictionary(result.orders.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let done = result.outcomes.filter { $0.dropped != nil }
        let leads = done.map { $0.dropped! - byId[$0.order]!.release }.sorted()
        let onTime = done.filter { $0.dropped! <= byId[$0.order]!.due }.count
        let first = result.orders.map(\.release).min() ?? 0
        let last = done.map { $0.dropped! }.max() ?? first
        let makespan = last - first
        let driven = result.vehicles.map(\.driven).reduce(0, +)
        let loaded = result.vehicles.map(\.loadedDistance).reduce(0, +)
        var waiting = 0.0
        for v in result.vehicles {
            // Before its first drive: waiting after work done where it starts (a pickup there).
            if let first = v.moves.first, let work = v.tasks.last(where: { $0.end <= first.turnStart + 1e-6 }) {
                waiting += max(0, first.turnStart - work.end)
            }
            for (a, b) in zip(v.moves, v.moves.dropFirst()) {
                let gap = b.turnStart - a.arrival
                guard gap > 1e-6 else { continue }
                // Work at the node (handling, charging) is no waiting.
                let node = result.graph.nodeIds[result.graph.arcs[a.arc].to]
                let work = v.tasks.filter { $0.node == node && $0.start >= a.arrival - 1e-6 && $0.end <= b.turnStart + 1e-6 }
                    .map { $0.end - $0.start }.reduce(0, +)
                let parked = v.tasks.contains { ($0.kind == .park || $0.kind == .drop || $0.kind == .charge) && $0.node == node && abs($0.start - a.arrival) < 1e-6 }
                if !parked { waiting += max(0, gap - work) }
            }
        }
        let utilization = makespan > 0 ? result.vehicles.map { min(1, $0.busySeconds / makespan) }.reduce(0, +) / Double(max(result.vehicles.count, 1)) : 0
        return PlanMetrics(orders: result.orders.count, done: done.count, onTime: onTime,
                           meanLeadTime: leads.isEmpty ? 0 : leads.reduce(0, +) / Double(leads.count),
                           p95LeadTime: leads.isEmpty ? 0 : leads[min(leads.count - 1, Int((Double(leads.count) * 0.95).rounded(.up)) - 1)],
                           makespan: makespan, utilization: utilization,
                           emptyTravelShare: driven > 0 ? (driven - loaded) / driven : 0, waiting: waiting,
                           planningSeconds: planning, verificationSeconds: verification, minimumSeparation: .infinity, conflicts: 0,
                           charges: result.vehicles.map { $0.tasks.filter { $0.kind == .charge }.count }.reduce(0, +))
    }
}
