import TwinLayout
import TwinState

/// How well one machine did over a period, after ISO 22400-2, from its statuses, its counters
/// and the plant's calendar.
///
/// - *Planned busy time*: the calendar's shifts less their breaks and planned stops inside the
///   period (the whole period without a calendar), less the stops the machine reported as
///   planned (``StatusReason``) and less the time without data (reported as ``noData``, never
///   guessed).
/// - *Availability* = running time / planned busy time.
/// - *Performance* = (good + scrap parts) × ideal cycle time / running time; the parts are the
///   counters' totals across resets at the end less at the start (or at their first report).
/// - *Quality* = good / (good + scrap).
/// - *OEE* = availability × performance × quality.
///
/// A figure that its data cannot give (no ideal cycle time, no `good` or `scrap` counter, no
/// running time) is nil, and so is OEE then. Times are milliseconds.
public struct MachinePerformance: Sendable, Equatable {
    public var entity: String
    /// The calendar's planned busy time for it in the period.
    public var calendarBusy: Int64
    /// Of that: stopped for a planned reason it reported; without data.
    public var reportedPlannedStops: Int64
    public var noData: Int64
    /// Planned busy time: calendar busy time less reported planned stops and no data.
    public var plannedBusy: Int64 { calendarBusy - reportedPlannedStops - noData }
    /// Time in each status inside the calendar's busy time (with data).
    public var timeIn: [MachineStatus: Int64]
    public var running: Int64 { timeIn[.running] ?? 0 }
    /// Parts counted in the period (nil: no such counter).
    public var good: Int64?
    public var scrap: Int64?
    /// Resets of its counters inside the period.
    public var counterResets: Int
    public var idealCycleSeconds: Double?

    public var availability: Double? { plannedBusy > 0 ? Double(running) / Double(plannedBusy) : nil }
    public var performance: Double? {
        guard let ideal = idealCycleSeconds, let good, running > 0 else { return nil }
        return Double(good + (scrap ?? 0)) * ideal * 1000 / Double(running)
    }
    public var quality: Double? {
        guard let good, let scrap, good + scrap > 0 else { return nil }
        return Double(good) / Double(good + scrap)
    }
    public var oee: Double? {
        guard let a = availability, let p = performance, let q = quality else { return nil }
        return a * p * q
    }

    /// The counter names parts are counted by.
    public static let goodCounter = "good", scrapCounter = "scrap"

    /// The figures of every machine of `plant` in `timeline` (the `machines` given, or all).
    public static func compute(_ timeline: StatusTimeline, plant: Plant, machines: [String]? = nil) -> [MachinePerformance] {
        let ids = machines ?? plant.entities.filter { $0.category == .machine }.map(\.id)
        return ids.compactMap { id in
            guard let entity = plant.entity(id: id) else { return nil }
            let busy = plant.calendar.map { $0.plannedTime(of: id, from: timeline.start, to: timeline.end).busyIntervals } ?? [timeline.start..<timeline.end]
            var result = MachinePerformance(entity: id, calendarBusy: busy.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) },
                                            reportedPlannedStops: 0, noData: 0, timeIn: [:], counterResets: 0, idealCycleSeconds: entity.cycleSeconds)
            // Each segment's overlap with the busy intervals (both sorted).
            var k = 0
            for segment in timeline.segments[id] ?? [] {
                while k < busy.count, busy[k].upperBound <= segment.start { k += 1 }
                var j = k
                while j < busy.count, busy[j].lowerBound < segment.end {
                    let d = min(busy[j].upperBound, segment.end) - max(busy[j].lowerBound, segment.start)
                    if d > 0 {
                        if let status = segment.status {
                            result.timeIn[status, default: 0] += d
                            if segment.stop == .planned { result.reportedPlannedStops += d }
                        } else {
                            result.noData += d
                        }
                    }
                    j += 1
                }
            }
            let before = timeline.stateAtStart.entity(id)?.state, after = timeline.stateAtEnd.entity(id)?.state
            func parts(_ name: String) -> Int64? {
                guard let end = after?.total(ofCounter: name) else { return nil }
                let base = before?.total(ofCounter: name) ?? timeline.firstTotals[id]?[name] ?? end
                return end - base
            }
            result.good = parts(goodCounter)
            result.scrap = parts(scrapCounter)
            let resets = { (s: EntityState?) in s?.counterResets.values.reduce(0) { $0 + $1.count } ?? 0 }
            result.counterResets = resets(after) - resets(before)
            return result
        }
    }
}
