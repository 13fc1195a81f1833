#if canImport(Glibc)
import Glibc
#endif

/// One edge driven: turning on the spot at its start from `fromHeading` (from `turnStart` to
/// `departure`), then driving the arc from `departure` to `arrival`.
public struct TimedMove: Sendable {
    public var arc: Int
    public var turnStart: Double
    public var departure: Double
    public var arrival: Double
    public var fromHeading: Double
}

/// Safe-interval path planning (Phillips and Likhachev, 2011) on the planning graph in continuous
/// time: a state is a node, the heading the AGV arrived with, and the interval in which the node
/// stays free of others; from it each arc is taken at the earliest moment its pieces are free
/// for the whole drive and the next node is free on arrival, waiting at the node before. A*
/// orders the states by arrival plus the shortest remaining drive. The goal must stay free from
/// the arrival on, so that the AGV can stand there for as long as it needs.
struct SafeIntervalPlanner {
    let graph: PlanningGraph
    /// The most states one search looks at before it gives up.
    static let maximumStates = 400_000

    struct State {
        var node: Int
        var arrival: Double
        var heading: Double
        var safeUntil: Double
        var parent: Int32
        var move: TimedMove?
        var inArc: Int32
    }

    struct Key: Hashable { var node: Int32; var inArc: Int32; var safeUntil: Double }

    /// The moves from `start` (standing there from `t0`, heading `heading`) to `goal`, or nil.
    func plan(from start: Int, at t0: Double, heading: Double, to goal: Int, owner: Int32, speed: Double,
              rotationSpeed: Double, remaining: [Double], reservations: Reservations) -> [TimedMove]? {
        let g = reservations.guardTime
        let startSafe = reservations.freeUntil(Int32(start), from: t0, for: owner)
        if start == goal { return startSafe == .infinity ? [] : nil }
        guard remaining[start].isFinite else { return nil }
        // The goal must be free for good from the arrival on: no arrival before `goalFree` counts,
        // and one held by another without end is never reached.
        let goalFree = reservations.freeForGoodFrom(Int32(goal), for: owner)
        guard goalFree < .infinity else { return nil }
        // Standing where it is for good, it waits there rather than at the goal's door: it leaves
        // no earlier than the shortest drive before the goal is free.
        let leaveFrom = startSafe == .infinity ? max(t0, goalFree - remaining[start] / speed) : t0
        var states = [State(node: start, arrival: leaveFrom, heading: heading, safeUntil: startSafe, parent: -1, move: nil, inArc: -1)]
        var best: [Key: Double] = [:]
        var open = MinHeap<Int32>()
        open.push(0, max(leaveFrom + remaining[start] / speed, goalFree))
        while let (index, _) = open.pop() {
            let s = states[Int(index)]
            if s.node == goal && s.safeUntil == .infinity {
                var moves: [TimedMove] = []
                var k = Int(index)
                while k > 0 { moves.append(states[k].move!); k = Int(states[k].parent) }
                return moves.reversed()
            }
            guard states.count < Self.maximumStates else { return nil }
            for a in graph.outgoing[s.node] {
                let arc = graph.arcs[Int(a)]
                guard remaining[arc.to].isFinite else { continue }
                let angle = abs(remainder(arc.startHeading - s.heading, 2 * .pi))
                let turn = angle > 1e-6 ? angle / rotationSpeed : 0
                let drive = arc.length / speed
                var td = s.arrival + turn
                var successors = 0
                search: while td <= s.safeUntil && successors < 4 {
                    for piece in arc.pieces {
                        if let until = reservations.blockedUntil(piece.resource, from: td + piece.from / speed, to: td + piece.to / speed, for: owner) {
                            if until == .infinity { break search }
                            td = max(td + 1e-6, until - piece.from / speed + 1e-6)
                            continue search
                        }
                    }
                    let ta = td + drive
                    if let until = reservations.blockedUntil(Int32(arc.to), from: ta, to: ta, for: owner) {
                        if until == .infinity { break search }
                        td = max(td + 1e-6, until - drive + 1e-6)
                        continue search
                    }
                    let safe = reservations.freeUntil(Int32(arc.to), from: ta, for: owner)
                    let key = Key(node: Int32(arc.to), inArc: a, safeUntil: safe)
                    if best[key].map({ ta < $0 - 1e-9 }) ?? true {
                        best[key] = ta
                        states.append(State(node: arc.to, arrival: ta, heading: arc.endHeading, safeUntil: safe, parent: index,
                                            move: TimedMove(arc: Int(a), turnStart: td - turn, departure: td, arrival: ta, fromHeading: s.heading),
                                            inArc: a))
                        open.push(Int32(states.count - 1), max(ta + remaining[arc.to] / speed, goalFree))
                    }
                    successors += 1
                    guard safe < .infinity, let next = reservations.blockedUntil(Int32(arc.to), from: safe + g, to: safe + g, for: owner),
                          next < .infinity else { break }
                    td = max(td + 1e-6, next - drive + 1e-6)
                }
            }
        }
        return nil
    }
}
