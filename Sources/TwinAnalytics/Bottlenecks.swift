import TwinLayout
import TwinState

/// The bottleneck of a line over time by the active-period method (Roser, Nakano and Tanaka,
/// "Shifting bottleneck detection", Winter Simulation Conference 2002): a machine is *active*
/// while it works or is being worked on (running, in setup, faulted, in maintenance) and
/// inactive while it waits (idle, starved, blocked, offline, no data). At each moment the
/// machine whose current active period is the longest holds the line back: it is the *sole*
/// bottleneck, except where its active period overlaps that of the bottleneck before or after it,
/// where the two are *shifting* bottlenecks. From statuses alone.
public struct BottleneckAnalysis: Sendable, Equatable {
    /// A stretch of time with one bottleneck (`shifting`: overlapping the neighbouring one's
    /// active period, which names its machine in `with`).
    public struct Stretch: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var machine: String
        public var shifting: Bool
        public var with: String?
    }

    /// Per machine: time as the sole bottleneck and as a shifting one (milliseconds).
    public struct Share: Sendable, Equatable {
        public var machine: String
        public var sole: Int64
        public var shifting: Int64
    }

    public var line: String
    public var start: Int64
    public var end: Int64
    public var stretches: [Stretch]
    /// Every machine of the line, the most sole bottleneck time first.
    public var shares: [Share]

    /// The statuses in which a machine is active.
    public static let active: Set<MachineStatus> = [.running, .setup, .fault, .maintenance]

    /// The active periods of one machine, merged, in time order.
    static func activePeriods(_ segments: [StatusSegment]) -> [Range<Int64>] {
        var periods: [Range<Int64>] = []
        for s in segments where s.status.map(active.contains) == true {
            if let last = periods.last, last.upperBound == s.start {
                periods[periods.count - 1] = last.lowerBound..<s.end
            } else {
                periods.append(s.start..<s.end)
            }
        }
        return periods
    }

    /// The analysis of `machines` (a line's, in any order) in `timeline`.
    public static func analyse(_ timeline: StatusTimeline, line: String, machines: [String]) -> BottleneckAnalysis {
        let periods = machines.map { activePeriods(timeline.segments[$0] ?? []) }
        // The moments where any active period starts or ends cut the period into pieces with
        // one bottleneck each.
        var cuts = Set<Int64>([timeline.start, timeline.end])
        for list in periods { for p in list { cuts.insert(p.lowerBound); cuts.insert(p.upperBound) } }
        let times = cuts.sorted()
        // Per piece: the machine whose covering active period is longest (the first named on a tie).
        var runs: [(start: Int64, end: Int64, machine: Int, period: Range<Int64>)] = []
        var cursor = Array(repeating: 0, count: machines.count)
        for (a, b) in zip(times, times.dropFirst()) {
            var best: (machine: Int, period: Range<Int64>)?
            for m in machines.indices {
                while cursor[m] < periods[m].count, periods[m][cursor[m]].upperBound <= a { cursor[m] += 1 }
                guard cursor[m] < periods[m].count else { continue }
                let p = periods[m][cursor[m]]
                guard p.lowerBound <= a, p.upperBound >= b else { continue }
                if best == nil || p.count > best!.period.count { best = (m, p) }
            }
            guard let best else { continue }
            if let last = runs.last, last.machine == best.machine, last.period == best.period, last.end == a {
                runs[runs.count - 1].end = b
            } else {
                runs.append((a, b, best.machine, best.period))
            }
        }
        // Shifting: where a run's active period overlaps the next or the previous run's.
        var stretches: [Stretch] = []
        var sole = Array(repeating: Int64(0), count: machines.count), shifting = sole
        for (i, run) in runs.enumerated() {
            var overlaps: [(Range<Int64>, Int)] = []
            for j in [i - 1, i + 1] where runs.indices.contains(j) && runs[j].machine != run.machine {
                let lo = max(run.period.lowerBound, runs[j].period.lowerBound), hi = min(run.period.upperBound, runs[j].period.upperBound)
                // Only the part of the overlap inside this run counts here.
                let a = max(lo, run.start), b = min(hi, run.end)
                if a < b { overlaps.append((a..<b, runs[j].machine)) }
            }
            var t = run.start
            for (range, other) in overlaps.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) where range.upperBound > t {
                let from = max(t, range.lowerBound)
                if from > t { stretches.append(Stretch(start: t, end: from, machine: machines[run.machine], shifting: false)); sole[run.machine] += from - t }
                stretches.append(Stretch(start: from, end: range.upperBound, machine: machines[run.machine], shifting: true, with: machines[other]))
                // Both are shifting bottlenecks while their active periods overlap.
                shifting[run.machine] += range.upperBound - from
                shifting[other] += range.upperBound - from
                t = range.upperBound
            }
            if run.end > t { stretches.append(Stretch(start: t, end: run.end, machine: machines[run.machine], shifting: false)); sole[run.machine] += run.end - t }
        }
        let shares = machines.indices.map { Share(machine: machines[$0], sole: sole[$0], shifting: shifting[$0]) }
            .sorted { ($0.sole, $0.shifting) > ($1.sole, $1.shifting) }
        return BottleneckAnalysis(line: line, start: timeline.start, end: timeline.end, stretches: stretches, shares: shares)
    }
}
