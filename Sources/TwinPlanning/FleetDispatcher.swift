import Foundation
import TwinCollision
import TwinLayout

/// What the planner needs to know about one AGV.
public struct PlanningAGV: Sendable {
    public var id: String
    public var body: AGVBody
    public var margin: Double
    public var drive: AGVDrive
    public var loadTypes: [String]
    public var startNode: String
    public var startHeading: Double
    /// Percent of a full battery at the start of the shift.
    public var battery: Double
    /// The plant's AGV this one copies (its body and drive), where it is not one of the plant's own.
    public var copyOf: String?

    public init(id: String, body: AGVBody, margin: Double, drive: AGVDrive, loadTypes: [String], startNode: String,
                startHeading: Double, battery: Double = 100) {
        self.id = id; self.body = body; self.margin = margin; self.drive = drive; self.loadTypes = loadTypes
        self.startNode = startNode; self.startHeading = startHeading; self.battery = battery
    }
}

/// How the dispatcher decides. The defaults are a unit-load AGV's with a lithium battery.
public struct DispatchSettings: Sendable {
    /// Seconds kept between two AGVs' occupations of conflicting places.
    public var guardTime = 0.25
    /// Below this (percent) an AGV goes to a free charger after its current order; it charges to `batteryFull`.
    public var batteryLow = 30.0
    public var batteryFull = 90.0
    /// Percent used per kilometre driven and per hour switched on; percent charged per minute.
    public var drainPerKilometre = 1.5
    public var drainPerHour = 2.0
    public var chargePerMinute = 1.5
    /// Seconds between attempts when an order's docks are taken and nothing else happens.
    public var retrySeconds = 30.0

    public init() {}
}

/// The dispatcher: assigns transport orders to AGVs as they are released and plans each trip
/// against every plan already made.
///
/// At each event (an order released, an AGV done) the orders waiting are taken by priority, then
/// due time (earliest due first), and each goes to the AGV that reaches its pickup earliest:
/// an idle AGV from where it stands, a busy one after the order it carries (at most one order
/// queued per AGV; queued orders are decided again at the next event). Each trip is planned
/// with safe-interval path planning against the reservations of all earlier plans, so no plan
/// ever conflicts with one made before it, and every plan ends where the AGV can stand for good
/// (a dock it works at, a parking place, a charger), so that no AGV ever blocks another for
/// ever: no deadlock. An AGV with nothing to do goes to the nearest free parking place; one
/// below the battery threshold to the nearest free charger.
public final class FleetDispatcher {
    enum Status { case idle, toPark, parked, busy, charging }

    struct Hold { var resource: Int32; var start: Double; var end: Double }

    struct Vehicle {
        var spec: PlanningAGV
        var node: Int
        var heading: Double
        /// When its plan reaches its last node, where it stands from then on (`holdStart`).
        var freeAt: Double
        var holdStart: Double
        var status: Status = .idle
        var battery: Double
        var queued: Int?
        var spot: Int?
        var moves: [TimedMove] = []
        var tasks: [PlannedTask] = []
        /// Where it stands for good at the end of its plan.
        var lastHold: Hold
        var driven = 0.0
        var busySeconds = 0.0
        var loadedDistance = 0.0
    }

    let graph: PlanningGraph
    let settings: DispatchSettings
    let orders: [TransportOrder]
    var vehicles: [Vehicle]
    var reservations: Reservations
    let sipp: SafeIntervalPlanner
    var remainingCache: [Int: [Double]] = [:]
    var parking: [Int]
    var chargers: [Int]
    var spotOwner: [Int: Int] = [:]
    var outcomes: [OrderOutcome]
    var pending: [Int] = []
    var events = MinHeap<Event>()
    var decisions = 0

    enum Event { case release(Int), free(Int), retry }

    public init(graph: PlanningGraph, agvs: [PlanningAGV], orders: [TransportOrder], parking: [String], chargers: [String],
                settings: DispatchSettings = DispatchSettings()) throws(PlanningError) {
        self.graph = graph
        self.settings = settings
        self.orders = orders
        reservations = Reservations(conflicts: graph.conflicts, guardTime: settings.guardTime)
        sipp = SafeIntervalPlanner(graph: graph)
        self.parking = parking.compactMap { graph.node($0) }
        self.chargers = chargers.compactMap { graph.node($0) }
        outcomes = orders.map { OrderOutcome(order: $0.id) }
        vehicles = []
        for (k, agv) in agvs.enumerated() {
            guard let node = graph.node(agv.startNode) else { throw .plant("\(agv.id): start node '\(agv.startNode)' is not in the network") }
            var v = Vehicle(spec: agv, node: node, heading: agv.startHeading, freeAt: 0, holdStart: 0, battery: agv.battery,
                            lastHold: Hold(resource: Int32(node), start: 0, end: .infinity))
            reservations.hold(Int32(node), from: 0, to: .infinity, owner: Int32(k))
            if self.parking.contains(node) || self.chargers.contains(node) {
                guard spotOwner[node] == nil else { throw .plant("\(agv.id) and \(vehicles[spotOwner[node]!].spec.id) both start at \(agv.startNode)") }
                spotOwner[node] = k; v.spot = node; v.status = .parked
            }
            vehicles.append(v)
        }
        for (k, v) in vehicles.enumerated() {
            for (j, w) in vehicles.enumerated() where j > k && graph.conflicts[v.node].contains(Int32(w.node)) {
                throw .plant("\(v.spec.id) at \(graph.nodeIds[v.node]) and \(w.spec.id) at \(graph.nodeIds[w.node]) start too close to each other")
            }
        }
    }

    func remaining(to goal: Int) -> [Double] {
        if let r = remainingCache[goal] { return r }
        let r = graph.distances(to: goal)
        remainingCache[goal] = r
        return r
    }

    /// Plans the whole shift.
    public func run(progress: (Int, Int) -> Void = { _, _ in }) -> DispatchResult {
        for (i, o) in orders.enumerated() { events.push(.release(i), o.release) }
        for k in vehicles.indices where vehicles[k].status == .idle { events.push(.free(k), 0) }
        var idleRetries = 0
        var done = 0
        while let (event, t) = events.pop() {
            switch event {
            case .release(let i): pending.append(i)
            case .free(let k):
                guard vehicles[k].freeAt <= t + 1e-9 else { break }
                switch vehicles[k].status {
                case .toPark: vehicles[k].status = .parked
                case .busy, .charging: vehicles[k].status = .idle
                default: break
                }
                done += 1
            case .retry: break
            }
            let planned = dispatch(at: t)
            if events.isEmpty && !pending.isEmpty {
                idleRetries = planned ? 0 : idleRetries + 1
                if idleRetries < 200 { events.push(.retry, t + settings.retrySeconds) }
            }
            progress(outcomes.filter { $0.dropped != nil }.count, orders.count)
        }
        for i in pending where outcomes[i].dropped == nil && outcomes[i].reason == nil {
            outcomes[i].reason = "no conflict-free way to its docks was found (a dock stays taken)"
        }
        return DispatchResult(graph: graph, vehicles: vehicles.map { v in
            AGVTimeline(agv: v.spec, startNode: v.spec.startNode, startHeading: v.spec.startHeading, moves: v.moves, tasks: v.tasks,
                        driven: v.driven, loadedDistance: v.loadedDistance, busySeconds: v.busySeconds, battery: v.battery)
        }, orders: orders, outcomes: outcomes, decisions: decisions)
    }

    /// One round of decisions at time t; true when anything was planned.
    func dispatch(at t: Double) -> Bool {
        decisions += 1
        var planned = false
        // Queued orders are decided again.
        for k in vehicles.indices { if let q = vehicles[k].queued { pending.append(q); vehicles[k].queued = nil } }
        pending.sort { a, b in
            let x = orders[a], y = orders[b]
            return (-x.priority, x.due, x.release, a) < (-y.priority, y.due, y.release, b)
        }
        // Idle and parked AGVs that are low go charging first.
        for k in vehicles.indices where (vehicles[k].status == .idle || vehicles[k].status == .parked)
            && vehicles[k].freeAt <= t + 1e-9 && vehicles[k].battery < settings.batteryLow {
            if charge(k, at: t) { planned = true }
        }
        var still: [Int] = []
        var taken = Set<Int>()
        for i in pending {
            let order = orders[i]
            guard let pickup = graph.node(order.pickup), let drop = graph.node(order.drop) else { continue }
            let toPickup = remaining(to: pickup)
            var best: (k: Int, eta: Double)?
            for (k, v) in vehicles.enumerated() where !taken.contains(k) && v.queued == nil {
                if let load = order.load, !v.spec.loadTypes.isEmpty, !v.spec.loadTypes.contains(load) { continue }
                if v.status == .charging || (v.status != .busy && v.battery < settings.batteryLow) { continue }
                if v.status == .busy && v.battery < settings.batteryLow + 5 { continue }
                let d = toPickup[v.node]
                guard d.isFinite else { continue }
                let eta = max(t, v.freeAt) + d / v.spec.drive.speed
                if eta < best?.eta ?? .infinity { best = (k, eta) }
            }
            guard let (k, _) = best else { still.append(i); continue }
            let v = vehicles[k]
            if (v.status == .idle || v.status == .parked) && v.freeAt <= t + 1e-9 {
                if start(i, vehicle: k, pickup: pickup, drop: drop, at: t) {
                    planned = true
                    taken.insert(k)
                } else {
                    still.append(i)
                }
            } else {
                vehicles[k].queued = i
                taken.insert(k)
            }
        }
        pending = still
        // Whoever is idle at a dock with nothing to do parks.
        for k in vehicles.indices where vehicles[k].status == .idle && vehicles[k].freeAt <= t + 1e-9 && !taken.contains(k) {
            if park(k, at: t) { planned = true }
        }
        return planned
    }

    /// Plans order i for vehicle k from where it stands: to the pickup, handling, to the drop.
    func start(_ i: Int, vehicle k: Int, pickup: Int, drop: Int, at t: Double) -> Bool {
        let order = orders[i]
        let spot = vehicles[k].spot
        // A drop another AGV stands at for good fails the second trip: do not plan the first.
        guard reservations.freeForGoodFrom(Int32(drop), for: Int32(k)) < .infinity,
              let first = trip(k, to: pickup, at: t) else { return false }
        let picked = first.arrival + order.pickupHandling
        vehicles[k].freeAt = picked
        guard let second = trip(k, to: drop, at: picked) else {
            undo(first.undo, vehicle: k)
            return false
        }
        let dropped = second.arrival + order.dropHandling
        if let spot { spotOwner[spot] = nil; vehicles[k].spot = nil }
        vehicles[k].status = .busy
        vehicles[k].freeAt = dropped
        vehicles[k].loadedDistance += second.distance
        vehicles[k].busySeconds += dropped - t
        vehicles[k].tasks.append(PlannedTask(kind: .pick, order: order.id, node: graph.nodeIds[pickup], start: first.arrival, end: picked))
        vehicles[k].tasks.append(PlannedTask(kind: .drop, order: order.id, node: graph.nodeIds[drop], start: second.arrival, end: dropped))
        outcomes[i].agv = vehicles[k].spec.id
        outcomes[i].assigned = t
        outcomes[i].picked = picked
        outcomes[i].dropped = dropped
        outcomes[i].emptyDistance = first.distance
        outcomes[i].loadedDistance = second.distance
        events.push(.free(k), dropped)
        return true
    }

    /// Sends vehicle k to the nearest free parking place.
    func park(_ k: Int, at t: Double) -> Bool {
        let here = vehicles[k].node
        if parking.contains(here) && (spotOwner[here] == nil || spotOwner[here] == k) {
            spotOwner[here] = k; vehicles[k].spot = here; vehicles[k].status = .parked
            return false
        }
        let candidates = parking.filter { spotOwner[$0] == nil }
            .map { ($0, remaining(to: $0)[here]) }.filter { $0.1.isFinite }.sorted { $0.1 < $1.1 }
        for (spot, _) in candidates.prefix(4) {
            let previous = vehicles[k].spot
            if let leg = trip(k, to: spot, at: t) {
                if let previous { spotOwner[previous] = nil }
                spotOwner[spot] = k; vehicles[k].spot = spot
                vehicles[k].status = .toPark
                vehicles[k].freeAt = leg.arrival
                vehicles[k].tasks.append(PlannedTask(kind: .park, order: nil, node: graph.nodeIds[spot], start: leg.arrival, end: leg.arrival))
                events.push(.free(k), leg.arrival)
                return true
            }
        }
        return false
    }

    /// Sends vehicle k to the nearest free charger and charges it to `batteryFull`.
    func charge(_ k: Int, at t: Double) -> Bool {
        let here = vehicles[k].node
        let candidates = chargers.filter { spotOwner[$0] == nil }
            .map { ($0, remaining(to: $0)[here]) }.filter { $0.1.isFinite }.sorted { $0.1 < $1.1 }
        for (spot, _) in candidates.prefix(4) {
            let previous = vehicles[k].spot
            if let leg = trip(k, to: spot, at: t) {
                if let previous { spotOwner[previous] = nil }
                spotOwner[spot] = k; vehicles[k].spot = spot
                let minutes = max(0, settings.batteryFull - vehicles[k].battery) / settings.chargePerMinute
                let end = leg.arrival + minutes * 60
                vehicles[k].battery = max(vehicles[k].battery, settings.batteryFull)
                vehicles[k].status = .charging
                vehicles[k].freeAt = end
                vehicles[k].tasks.append(PlannedTask(kind: .charge, order: nil, node: graph.nodeIds[spot], start: leg.arrival, end: end))
                events.push(.free(k), end)
                return true
            }
        }
        return false
    }

    /// What a trip changed, to take it back.
    struct Undo {
        var node: Int, heading: Double, freeAt: Double, holdStart: Double, driven: Double, battery: Double
        var moves: Int
        var lastHold: Hold
        var added: [Hold]
    }

    func undo(_ u: Undo, vehicle k: Int) {
        // A trip that drove nothing changed nothing.
        guard !u.added.isEmpty else { return }
        let owner = Int32(k)
        for h in u.added.reversed() { reservations.release(h.resource, from: h.start, to: h.end, owner: owner) }
        reservations.hold(u.lastHold.resource, from: u.lastHold.start, to: u.lastHold.end, owner: owner)
        vehicles[k].node = u.node; vehicles[k].heading = u.heading; vehicles[k].freeAt = u.freeAt
        vehicles[k].holdStart = u.holdStart; vehicles[k].driven = u.driven; vehicles[k].battery = u.battery
        vehicles[k].moves.removeSubrange(u.moves...)
        vehicles[k].lastHold = u.lastHold
    }

    /// Plans and commits a trip of vehicle k to `goal` leaving no earlier than `t`: its last hold
    /// (where it stands) ends at its departure; the goal is held from the arrival for good.
    func trip(_ k: Int, to goal: Int, at t: Double) -> (arrival: Double, distance: Double, undo: Undo)? {
        let from = max(t, vehicles[k].freeAt)
        let spec = vehicles[k].spec
        guard let moves = sipp.plan(from: vehicles[k].node, at: from, heading: vehicles[k].heading, to: goal, owner: Int32(k),
                                    speed: spec.drive.speed, rotationSpeed: spec.drive.rotationSpeed, remaining: remaining(to: goal),
                                    reservations: reservations) else { return nil }
        let v = vehicles[k]
        var undo = Undo(node: v.node, heading: v.heading, freeAt: v.freeAt, holdStart: v.holdStart, driven: v.driven, battery: v.battery,
                        moves: v.moves.count, lastHold: v.lastHold, added: [])
        guard let last = moves.last else { return (from, 0, undo) }
        // The hold where it stands becomes finite: up to the first departure.
        let owner = Int32(k)
        func hold(_ r: Int32, _ a: Double, _ b: Double) {
            reservations.hold(r, from: a, to: b, owner: owner)
            undo.added.append(Hold(resource: r, start: a, end: b))
        }
        let h = v.lastHold
        reservations.release(h.resource, from: h.start, to: h.end, owner: owner)
        hold(h.resource, h.start, moves[0].departure)
        var distance = 0.0
        let speed = spec.drive.speed
        for (n, move) in moves.enumerated() {
            let arc = graph.arcs[move.arc]
            for piece in arc.pieces { hold(piece.resource, move.departure + piece.from / speed, move.departure + piece.to / speed) }
            hold(Int32(arc.to), move.arrival, n + 1 < moves.count ? moves[n + 1].departure : .infinity)
            distance += arc.length
        }
        vehicles[k].lastHold = undo.added.last!
        vehicles[k].moves += moves
        vehicles[k].node = goal
        vehicles[k].heading = graph.arcs[last.arc].endHeading
        vehicles[k].freeAt = last.arrival
        vehicles[k].holdStart = last.arrival
        vehicles[k].driven += distance
        vehicles[k].battery -= distance / 1000 * settings.drainPerKilometre + (last.arrival - from) / 3600 * settings.drainPerHour
        return (last.arrival, distance, undo)
    }
}

/// What happened to one order in the plan.
public struct OrderOutcome: Sendable {
    public var order: String
    public var agv: String?
    public var assigned: Double?
    /// When the load is on the AGV, and when it is off at the drop (handling included).
    public var picked: Double?
    public var dropped: Double?
    public var emptyDistance = 0.0
    public var loadedDistance = 0.0
    /// Why it was not planned.
    public var reason: String?

    public init(order: String) { self.order = order }
}

/// A stop with work at a node: pick up or drop an order's load, charge, park.
public struct PlannedTask: Sendable {
    public enum Kind: String, Sendable { case pick, drop, charge, park }
    public var kind: Kind
    public var order: String?
    public var node: String
    public var start: Double
    public var end: Double
}

/// One AGV's plan: where it starts, the edges it drives when, and the work at its stops.
public struct AGVTimeline: Sendable {
    public var agv: PlanningAGV
    public var startNode: String
    public var startHeading: Double
    public var moves: [TimedMove]
    public var tasks: [PlannedTask]
    public var driven: Double
    public var loadedDistance: Double
    public var busySeconds: Double
    public var battery: Double
}

/// The dispatcher's answer before verification.
public struct DispatchResult: Sendable {
    public var graph: PlanningGraph
    public var vehicles: [AGVTimeline]
    public var orders: [TransportOrder]
    public var outcomes: [OrderOutcome]
    public var decisions: Int
}
