import Foundation
import TwinCollision
import TwinLayout

/// The reference the planner is measured against: how a graph-based fleet manager in the manner
/// of openTCS runs the same orders. Orders go, by priority and due time, to the nearest idle AGV
/// (shortest floor distance to the pickup); each AGV drives the shortest way and, before entering
/// an edge, allocates its places (the same resources and conflict table the planner uses: the
/// edge's pieces and the turning disc at its end), waiting while another AGV holds a conflicting
/// one; it frees what lies behind on arrival. Dead-end spurs (to a dock, a charger, a parking
/// place) and two-way lanes are single-vehicle blocks, as an openTCS user would configure them
/// against deadlocks: an AGV allocates every block its route enters, one after another, before it
/// drives onto the node in front of the first, and holds each until it has left it. Idle AGVs go
/// to the nearest free parking place.
/// Nothing looks ahead in time, so AGVs that wait for each other in a cycle are deadlocked: the
/// simulation detects each cycle, counts it, and leaves those AGVs standing (their orders are not
/// done), as a fleet manager without deadlock resolution would. Batteries are not simulated here
/// (which only favours the baseline).
public struct BaselineDispatcher {
    enum Purpose: Equatable { case none, pickup(Int), drop(Int), park(Int) }

    struct Vehicle {
        var spec: PlanningAGV
        var node: Int
        var heading: Double
        var route: [Int] = []
        var purpose: Purpose = .none
        var moving = false
        var stuck = false
        var parked = false
        var readyAt = 0.0
        var assignedAt = 0.0
        var held: [Int32] = []
        var moves: [TimedMove] = []
        var tasks: [PlannedTask] = []
        var driven = 0.0
        var loaded = 0.0
        var busySeconds = 0.0
        /// Since when it has stood at its node (the turn before the next edge starts then at the earliest).
        var standingSince = 0.0
    }

    enum Event { case release(Int), arrive(Int), ready(Int) }

    let graph: PlanningGraph
    let orders: [TransportOrder]
    var vehicles: [Vehicle]
    var holder: [Int32]
    var parking: [Int]
    var claimed: [Int: Int] = [:]
    var pending: [Int] = []
    var outcomes: [OrderOutcome]
    var events = MinHeap<Event>()
    var distanceCache: [Int: [Double]] = [:]
    /// For each node in a dead-end spur or a two-way lane, its block's index.
    var blockOf: [Int?]
    /// Each block's axis (0: x, 1: y) where it is a two-way lane, which AGVs may share driving the
    /// same way; nil for a spur, which one AGV holds alone.
    var blockAxis: [Int?]
    /// The AGVs in each block and the way they drive (0: one alone). A block is a lock, not a
    /// place: an AGV in it occupies only the places it drives through.
    var blockHolders: [[Int]]
    var blockWay: [Int]
    /// Cycles of AGVs waiting for each other, and the AGVs left standing in them.
    public private(set) var deadlocks = 0
    public private(set) var stuckAGVs = 0
    /// Each deadlock in words: who stood where, waiting for the next edge.
    public private(set) var deadlockNotes: [String] = []

    public init(graph: PlanningGraph, agvs: [PlanningAGV], orders: [TransportOrder], parking: [String]) throws(PlanningError) {
        self.graph = graph
        self.orders = orders
        self.parking = parking.compactMap { graph.node($0) }
        outcomes = orders.map { OrderOutcome(order: $0.id) }
        holder = [Int32](repeating: -1, count: graph.resourceCount)
        (blockOf, blockAxis) = Self.deadEnds(graph)
        blockHolders = [[Int]](repeating: [], count: blockAxis.count)
        blockWay = [Int](repeating: 0, count: blockAxis.count)
        vehicles = []
        for (k, agv) in agvs.enumerated() {
            guard let node = graph.node(agv.startNode) else { throw .plant("\(agv.id): start node '\(agv.startNode)' is not in the network") }
            var v = Vehicle(spec: agv, node: node, heading: agv.startHeading)
            v.held = [Int32(node)]
            holder[node] = Int32(k)
            if let b = blockOf[node] { blockHolders[b].append(k) }
            if self.parking.contains(node) { claimed[node] = k; v.parked = true }
            vehicles.append(v)
        }
    }

    /// The blocks: the dead-end spurs (from each node with one neighbour back along nodes with
    /// two, up to and without the first junction) and the two-way lanes (nodes all of whose edges
    /// are driven both ways, joined by such edges), with each block's axis (nil for a spur).
    static func deadEnds(_ graph: PlanningGraph) -> ([Int?], [Int?]) {
        let n = graph.nodeIds.count
        var neighbours = [Set<Int>](repeating: [], count: n)
        for arc in graph.arcs { neighbours[arc.from].insert(arc.to); neighbours[arc.to].insert(arc.from) }
        var blockOf = [Int?](repeating: nil, count: n)
        var blocks: [Int?] = []
        for leaf in 0..<n where neighbours[leaf].count == 1 && blockOf[leaf] == nil {
            var chain = [leaf]
            var previous = leaf, here = neighbours[leaf].first!
            while neighbours[here].count == 2 && blockOf[here] == nil && !chain.contains(here) {
                chain.append(here)
                let next = neighbours[here].first { $0 != previous }!
                previous = here; here = next
            }
            // A chain that joins nothing (an isolated piece) is not a spur.
            guard neighbours[here].count >= 3 else { continue }
            for node in chain { blockOf[node] = blocks.count }
            blocks.append(nil)
        }
        // Two-way lanes: nodes all of whose edges are driven both ways, joined by such edges.
        var reverse = Set<[Int]>()
        for arc in graph.arcs { reverse.insert([arc.from, arc.to]) }
        var oneWay = [Bool](repeating: false, count: n)
        for arc in graph.arcs where !reverse.contains([arc.to, arc.from]) { oneWay[arc.from] = true; oneWay[arc.to] = true }
        var component = [Int](repeating: -1, count: n)
        var lanes: [[Int]] = []
        for start in 0..<n where blockOf[start] == nil && !oneWay[start] && component[start] < 0 {
            var members = [start], stack = [start]
            component[start] = lanes.count
            while let u = stack.popLast() {
                for v in neighbours[u] where blockOf[v] == nil && !oneWay[v] && component[v] < 0 {
                    component[v] = lanes.count; members.append(v); stack.append(v)
                }
            }
            lanes.append(members)
        }
        for members in lanes where members.count >= 2 {
            var lo = SIMD2<Double>(repeating: .infinity), hi = -lo
            for node in members { lo = pointwiseMin(lo, graph.positions[node]); hi = pointwiseMax(hi, graph.positions[node]) }
            for node in members { blockOf[node] = blocks.count }
            blocks.append(hi.x - lo.x >= hi.y - lo.y ? 0 : 1)
        }
        return (blockOf, blocks)
    }

    /// The blocks an AGV must hold before its next edge, with the way it drives in each (+1 or -1
    /// along a lane's axis; 0 for a spur, or a lane it only crosses): where that edge ends in a
    /// block, at the junction in front of the next block on its route, or anywhere too close to
    /// that junction to let another AGV out, every block its route then enters one after another.
    func blocksAhead(_ route: ArraySlice<Int>) -> [(block: Int, way: Int)] {
        guard let first = route.first else { return [] }
        var j = route.startIndex
        while j < route.endIndex && blockOf[graph.arcs[route[j]].to] == nil { j += 1 }
        guard j < route.endIndex else { return [] }
        let junction = graph.arcs[route[j]].from, next = graph.arcs[first].to
        guard blockOf[next] != nil || next == junction || graph.conflicts[next].contains(Int32(junction)) else { return [] }
        var found: [(block: Int, way: Int)] = []
        while j < route.endIndex, let b = blockOf[graph.arcs[route[j]].to] {
            if !found.contains(where: { $0.block == b }) {
                var way = 0
                if let axis = blockAxis[b] {
                    // The first edge driven inside the lane says which way.
                    var m = j
                    while m < route.endIndex, blockOf[graph.arcs[route[m]].to] == b {
                        let arc = graph.arcs[route[m]]
                        if blockOf[arc.from] == b {
                            let d = graph.positions[arc.to][axis] - graph.positions[arc.from][axis]
                            way = d > 0 ? 1 : -1
                            break
                        }
                        m += 1
                    }
                }
                found.append((b, way))
            }
            j += 1
        }
        return found
    }

    /// Whether AGV k may be in block b driving `way`: it is there already, the block is empty,
    /// or everyone in it drives the same way along the lane.
    func mayHold(_ b: Int, way: Int, for k: Int) -> Bool {
        let others = blockHolders[b].filter { $0 != k }
        return others.isEmpty || (way != 0 && blockWay[b] == way)
    }

    /// Runs the shift to its end.
    public mutating func run() -> DispatchResult {
        for (i, o) in orders.enumerated() { events.push(.release(i), o.release) }
        var decisions = 0
        while let (event, t) = events.pop() {
            switch event {
            case .release(let i): pending.append(i)
            case .arrive(let k): arrive(k, at: t)
            case .ready: break
            }
            var changed = true
            while changed {
                decisions += 1
                changed = dispatch(at: t)
                if advance(at: t) { changed = true }
            }
            findDeadlocks()
        }
        for i in pending where outcomes[i].dropped == nil { outcomes[i].reason = "never taken: every AGV that could was stuck" }
        for i in outcomes.indices where outcomes[i].agv != nil && outcomes[i].dropped == nil {
            outcomes[i].reason = "its AGV was deadlocked"
        }
        return DispatchResult(graph: graph, vehicles: vehicles.map { v in
            AGVTimeline(agv: v.spec, startNode: v.spec.startNode, startHeading: v.spec.startHeading, moves: v.moves, tasks: v.tasks,
                        driven: v.driven, loadedDistance: v.loaded, busySeconds: v.busySeconds, battery: v.spec.battery)
        }, orders: orders, outcomes: outcomes, decisions: decisions)
    }

    /// Shortest floor distances to `goal` from every node, computed once per goal.
    mutating func distances(to goal: Int) -> [Double] {
        if let d = distanceCache[goal] { return d }
        let d = graph.distances(to: goal)
        distanceCache[goal] = d
        return d
    }

    mutating func route(from start: Int, to goal: Int) -> [Int]? {
        let dist = distances(to: goal)
        guard dist[start].isFinite else { return nil }
        var path: [Int] = []
        var x = start
        while x != goal {
            var best: (arc: Int, cost: Double)?
            for a in graph.outgoing[x] {
                let arc = graph.arcs[Int(a)]
                let cost = arc.length + dist[arc.to]
                if cost < best?.cost ?? .infinity { best = (Int(a), cost) }
            }
            guard let (a, _) = best else { return nil }
            path.append(a)
            x = graph.arcs[a].to
        }
        return path
    }

    /// Orders to the nearest idle AGV; AGVs with nothing to do to the nearest free parking place.
    mutating func dispatch(at t: Double) -> Bool {
        var changed = false
        pending.sort { a, b in
            let x = orders[a], y = orders[b]
            return (-x.priority, x.due, x.release, a) < (-y.priority, y.due, y.release, b)
        }
        var still: [Int] = []
        for i in pending {
            let order = orders[i]
            guard let pickup = graph.node(order.pickup), graph.node(order.drop) != nil else { continue }
            let dist = distances(to: pickup)
            var best: (k: Int, d: Double)?
            for (k, v) in vehicles.enumerated() where !v.stuck && !v.moving && v.route.isEmpty && v.purpose == .none && v.readyAt <= t + 1e-9 {
                if let load = order.load, !v.spec.loadTypes.isEmpty, !v.spec.loadTypes.contains(load) { continue }
                if dist[v.node] < best?.d ?? .infinity { best = (k, dist[v.node]) }
            }
            guard let (k, _) = best, let way = route(from: vehicles[k].node, to: pickup) else { still.append(i); continue }
            if let spot = claimed.first(where: { $0.value == k })?.key { claimed[spot] = nil }
            vehicles[k].parked = false
            vehicles[k].purpose = .pickup(i)
            vehicles[k].route = way
            vehicles[k].assignedAt = t
            outcomes[i].agv = vehicles[k].spec.id
            outcomes[i].assigned = t
            changed = true
        }
        pending = still
        for k in vehicles.indices where !vehicles[k].stuck && !vehicles[k].moving && !vehicles[k].parked
            && vehicles[k].purpose == .none && vehicles[k].readyAt <= t + 1e-9 {
            let here = vehicles[k].node
            let dist = distances(to: here)
            // The nearest free place, by the distance back from it (close enough to the way there on a network of spurs).
            guard let spot = parking.filter({ claimed[$0] == nil && holder[$0] < 0 && dist[$0].isFinite }).min(by: { dist[$0] < dist[$1] }),
                  let way = route(from: here, to: spot) else { continue }
            claimed[spot] = k
            vehicles[k].purpose = .park(spot)
            vehicles[k].route = way
            changed = true
        }
        return changed
    }

    /// Sets off every AGV whose next edge is free; finishes what AGVs at their goal came for.
    mutating func advance(at t: Double) -> Bool {
        var changed = false
        for k in vehicles.indices where !vehicles[k].stuck && !vehicles[k].moving && vehicles[k].readyAt <= t + 1e-9 {
            if let a = vehicles[k].route.first {
                let arc = graph.arcs[a]
                var needed = arc.pieces.map { $0.resource }
                needed.append(Int32(arc.to))
                // The blocks ahead, taken before the node in front of the first.
                let ahead = blocksAhead(vehicles[k].route[...])
                guard blockers(of: needed, blocks: ahead, for: k).isEmpty else { continue }
                for r in needed where holder[Int(r)] != Int32(k) { holder[Int(r)] = Int32(k); vehicles[k].held.append(r) }
                for (b, way) in ahead where !blockHolders[b].contains(k) {
                    if blockHolders[b].isEmpty { blockWay[b] = way }
                    blockHolders[b].append(k)
                }
                let v = vehicles[k]
                let angle = abs(remainder(arc.startHeading - v.heading, 2 * .pi))
                let turnStart = max(t, v.standingSince)
                let departure = turnStart + angle / v.spec.drive.rotationSpeed
                let arrival = departure + arc.length / v.spec.drive.speed
                vehicles[k].moves.append(TimedMove(arc: a, turnStart: turnStart, departure: departure, arrival: arrival, fromHeading: v.heading))
                vehicles[k].moving = true
                vehicles[k].route.removeFirst()
                events.push(.arrive(k), arrival)
                changed = true
                continue
            }
            switch vehicles[k].purpose {
            case .pickup(let i):
                let order = orders[i]
                let done = t + order.pickupHandling
                vehicles[k].tasks.append(PlannedTask(kind: .pick, order: order.id, node: order.pickup, start: t, end: done))
                outcomes[i].picked = done
                guard let drop = graph.node(order.drop), let way = route(from: vehicles[k].node, to: drop) else {
                    outcomes[i].reason = "no way to the drop"; vehicles[k].purpose = .none; continue
                }
                vehicles[k].purpose = .drop(i)
                vehicles[k].route = way
                vehicles[k].readyAt = done
                vehicles[k].standingSince = done
                events.push(.ready(k), done)
                changed = true
            case .drop(let i):
                let order = orders[i]
                let done = t + order.dropHandling
                vehicles[k].tasks.append(PlannedTask(kind: .drop, order: order.id, node: order.drop, start: t, end: done))
                outcomes[i].dropped = done
                vehicles[k].busySeconds += done - vehicles[k].assignedAt
                vehicles[k].purpose = .none
                vehicles[k].readyAt = done
                vehicles[k].standingSince = done
                events.push(.ready(k), done)
                changed = true
            case .park(let spot):
                vehicles[k].tasks.append(PlannedTask(kind: .park, order: nil, node: graph.nodeIds[spot], start: t, end: t))
                vehicles[k].purpose = .none
                vehicles[k].parked = true
                changed = true
            case .none:
                break
            }
        }
        return changed
    }

    mutating func arrive(_ k: Int, at t: Double) {
        guard let move = vehicles[k].moves.last else { return }
        let arc = graph.arcs[move.arc]
        // Free everything behind: all it holds but the disc it now stands in; the blocks it has
        // left (a block stays taken while its AGV is in it or about to enter it).
        for r in vehicles[k].held where r != Int32(arc.to) { holder[Int(r)] = -1 }
        vehicles[k].held = [Int32(arc.to)]
        var keep = Set(blocksAhead(vehicles[k].route[...]).map(\.block))
        if let b = blockOf[arc.to] { keep.insert(b) }
        for b in blockHolders.indices where !keep.contains(b) && blockHolders[b].contains(k) {
            blockHolders[b].removeAll { $0 == k }
            if blockHolders[b].isEmpty { blockWay[b] = 0 }
        }
        vehicles[k].node = arc.to
        vehicles[k].heading = arc.endHeading
        vehicles[k].moving = false
        vehicles[k].standingSince = t
        vehicles[k].driven += arc.length
        if case .drop = vehicles[k].purpose { vehicles[k].loaded += arc.length }
    }

    /// The AGVs holding a place that conflicts with one of `needed`, or one of the blocks.
    func blockers(of needed: [Int32], blocks ahead: [(block: Int, way: Int)], for k: Int) -> [Int] {
        var found: [Int] = []
        for (b, way) in ahead where !mayHold(b, way: way, for: k) {
            for h in blockHolders[b] where h != k && !found.contains(h) { found.append(h) }
        }
        for r in needed {
            for c in graph.conflicts[Int(r)] {
                let h = holder[Int(c)]
                if h >= 0 && h != Int32(k) && !found.contains(Int(h)) { found.append(Int(h)) }
            }
        }
        return found
    }

    /// AGVs waiting for each other in a cycle never move again: each such cycle is a deadlock.
    mutating func findDeadlocks() {
        var waitsFor: [Int: [Int]] = [:]
        for (k, v) in vehicles.enumerated() where !v.stuck && !v.moving && !v.route.isEmpty {
            let arc = graph.arcs[v.route[0]]
            waitsFor[k] = blockers(of: arc.pieces.map { $0.resource } + [Int32(arc.to)], blocks: blocksAhead(v.route[...]), for: k)
        }
        guard !waitsFor.isEmpty else { return }
        // Depth-first search for a cycle among waiting AGVs (an AGV that does not wait ends a chain).
        var state = [Int: Int]()   // 1 on the stack, 2 done
        var stack: [Int] = []
        func visit(_ k: Int, _ me: inout BaselineDispatcher) {
            state[k] = 1; stack.append(k)
            for j in waitsFor[k] ?? [] where waitsFor[j] != nil && !me.vehicles[j].stuck {
                if state[j] == 1, let from = stack.firstIndex(of: j) {
                    me.deadlocks += 1
                    let g = me.graph
                    me.deadlockNotes.append(stack[from...].map { m in
                        let v = me.vehicles[m]
                        return "\(v.spec.id) at \(g.nodeIds[v.node]) for \(g.arcs[v.route[0]].edge)"
                    }.joined(separator: ", ") + String(format: " (t = %.0f s)", me.vehicles[k].standingSince))
                    for m in stack[from...] where !me.vehicles[m].stuck { me.vehicles[m].stuck = true; me.stuckAGVs += 1 }
                } else if state[j] == nil {
                    visit(j, &me)
                }
            }
            stack.removeLast(); state[k] = 2
        }
        for k in waitsFor.keys.sorted() where state[k] == nil && !vehicles[k].stuck { visit(k, &self) }
    }
}

/// The baseline's run of a shift, with the same figures as a plan.
public struct BaselineRun: Sendable {
    public var result: DispatchResult
    public var metrics: PlanMetrics
    public var deadlocks: Int
    public var stuckAGVs: Int
    public var deadlockNotes: [String]
    /// The exact fleet check of what it drove (the baseline too must never let bodies meet).
    public var verification: FleetCheck.Report

    public static func run(plant: Plant, orders: [TransportOrder], fleet: [PlanningAGV], graph: PlanningGraph? = nil) throws(PlanningError) -> BaselineRun {
        let clock = ContinuousClock.now
        let graph = graph ?? TransportPlanner.graph(of: plant, fleet: fleet)
        var dispatcher = try BaselineDispatcher(graph: graph, agvs: fleet, orders: orders, parking: plant.network.parking)
        let result = dispatcher.run()
        let seconds = (ContinuousClock.now - clock).seconds
        let verifyClock = ContinuousClock.now
        let report = FleetCheck(members: TransportPlanner.fleetMembers(result)).check()
        var metrics = TransportPlanner.metrics(result, planning: seconds, verification: (ContinuousClock.now - verifyClock).seconds)
        metrics.minimumSeparation = report.minimumSeparation
        metrics.conflicts = report.conflicts.count
        return BaselineRun(result: result, metrics: metrics, deadlocks: dispatcher.deadlocks, stuckAGVs: dispatcher.stuckAGVs,
                           deadlockNotes: dispatcher.deadlockNotes, verification: report)
    }
}
