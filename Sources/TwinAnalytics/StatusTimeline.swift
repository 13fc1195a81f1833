import TwinLayout
import TwinState

/// A stretch of time in which an entity's status, reasons and data stayed the same.
public struct StatusSegment: Sendable, Equatable {
    /// Milliseconds since 1970, `start` < `end`.
    public var start: Int64
    public var end: Int64
    /// The status; nil where there was no data (never reported, offline, or silent longer than
    /// the plant's `no_data_after_s`): a gap reported as such, never filled with a guess.
    public var status: MachineStatus?
    public var reasons: [String]
    /// Whether the stop was planned (its reasons say so); nil while running or without data.
    public var stop: StopKind?

    public var duration: Int64 { end - start }
}

/// Every status-carrying entity's statuses between two moments of a history, as segments in
/// time order that tile the period: what performance and bottleneck figures are computed from.
public struct StatusTimeline: Sendable {
    public var start: Int64
    public var end: Int64
    /// Segments by entity id.
    public var segments: [String: [StatusSegment]]
    /// The state at the start and at the end of the period.
    public var stateAtStart: PlantState
    public var stateAtEnd: PlantState
    /// Per entity and counter, its total when first reported inside the period (for counters
    /// not known at its start: the baseline parts are counted from).
    public var firstTotals: [String: [String: Int64]]

    /// The categories whose entities have a status.
    public static let statusCategories: Set<EntityCategory> = [.machine, .conveyor, .rack, .station]

    /// Reads the period from `history`: the state at `start`, then one pass over the updates up
    /// to `end` in time order. `noDataAfter` (seconds; the plant's `sync.no_data_after_s`) turns
    /// silence longer than that into a gap. Costs one restore and one replay of the period.
    public static func read(_ history: History, from start: Timestamp, to end: Timestamp, noDataAfter: Double?) throws(StateError) -> StatusTimeline {
        var initial: PlantState?
        let silence = noDataAfter.map { Int64(($0 * 1000).rounded()) }
        var open: [Int: (start: Int64, status: MachineStatus?, reasons: [String], stop: StopKind?, last: Int64?)] = [:]
        var segments: [String: [StatusSegment]] = [:]
        var firstTotals: [String: [String: Int64]] = [:]
        let t0 = start.milliseconds, t1 = end.milliseconds
        func current(_ s: EntityState, at t: Int64) -> (MachineStatus?, [String], StopKind?) {
            guard s.status != nil, case .live = s.data(at: Timestamp(milliseconds: t), noDataAfter: nil) else { return (nil, [], nil) }
            return (s.status, s.statusReasons, s.stop)
        }
        /// The segments open at the start: each entity's status then.
        func begin(_ state: PlantState) {
            initial = state
            for (e, record) in state.entities.enumerated() where statusCategories.contains(record.category) && !record.removed {
                let (status, reasons, stop) = current(record.state, at: t0)
                let last = record.state.updated?.milliseconds
                // Already silent at the start.
                if let silence, let u = last, t0 - u > silence, status != nil {
                    open[e] = (t0, nil, [], nil, u)
                } else {
                    open[e] = (t0, status, reasons, stop, last)
                }
            }
        }
        func close(_ e: Int, at t: Int64, id: String) {
            guard let o = open[e], t > o.start else { return }
            segments[id, default: []].append(StatusSegment(start: o.start, end: t, status: o.status, reasons: o.reasons, stop: o.stop))
        }
        /// Silence since the last update turns into a gap where it passes the limit before `t`.
        func silenceGap(_ e: Int, before t: Int64, id: String) {
            guard let silence, let o = open[e], o.status != nil, let u = o.last, t - u > silence else { return }
            let gapStart = max(u + silence, o.start)
            close(e, at: gapStart, id: id)
            open[e] = (gapStart, nil, [], nil, u)
        }
        let final = try history.walk(from: start, to: end, atStart: begin) { update, state in
            guard case .set(let id, let changes) = update.action, let e = state.indexOfEntity(id), open[e] != nil else { return }
            let t = update.time.milliseconds
            let s = state.entities[e].state
            silenceGap(e, before: t, id: id)
            let (status, reasons, stop) = current(s, at: t)
            let o = open[e]!
            if status != o.status || reasons != o.reasons || stop != o.stop {
                close(e, at: t, id: id)
                open[e] = (t, status, reasons, stop, t)
            } else {
                open[e]!.last = t
            }
            for change in changes {
                if case .counter(let name, _) = change, initial?.entities[e].state.counters[name] == nil, firstTotals[id]?[name] == nil {
                    firstTotals[id, default: [:]][name] = s.total(ofCounter: name)
                }
            }
        }
        for (e, _) in open.sorted(by: { $0.key < $1.key }) {
            let id = initial!.entities[e].id
            silenceGap(e, before: t1, id: id)
            close(e, at: t1, id: id)
        }
        return StatusTimeline(start: t0, end: t1, segments: segments, stateAtStart: initial!, stateAtEnd: final, firstTotals: firstTotals)
    }
}
