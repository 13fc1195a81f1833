import Foundation

/// The plant's working time, from the manifest's `calendar:` section: shifts with their breaks,
/// days off and planned stops, in the plant's own time zone.
///
/// ```yaml
/// calendar:
///   time_zone: Europe/Berlin            # IANA name (default UTC); shift times are local
///   shifts:
///     - {name: early, start: "06:00", end: "14:00", days: mon-fri, breaks: ["09:00-09:15", "12:00-12:30"]}
///     - {name: late, start: "14:00", end: "22:00", days: [mon, tue, wed, thu, fri]}
///     - {name: night, start: "22:00", end: "06:00", days: sun-thu}   # ends the next morning
///   days_off: [2026-12-24, 2026-12-25]   # no shift starts on these local dates
///   planned_stops:                       # planned maintenance, cleaning, trials
///     - {entities: [M-001, M-002], from: "2026-12-03T06:00", to: "2026-12-03T08:00", reason: planned_maintenance}
/// ```
///
/// It answers what ISO 22400-2 builds availability on: the *planned operation time* (the shifts)
/// and the *planned busy time* (the shifts less their breaks and the planned stops); a machine is
/// judged only while it was planned to be busy. Times are milliseconds since 1970 (UTC).
public struct ShiftCalendar: Sendable, Equatable {
    /// A shift as the week repeats it.
    public struct Shift: Sendable, Equatable {
        public var name: String
        /// Local start, minutes after midnight (0..<1440).
        public var startMinute: Int
        /// Local end, minutes after the start day's midnight: beyond 1440 for a shift that ends the
        /// next day.
        public var endMinute: Int
        /// The ISO weekdays it starts on: 1 Monday ... 7 Sunday.
        public var days: Set<Int>
        /// Breaks, minutes after the start day's midnight, inside the shift, sorted.
        public var breaks: [ClosedRange<Int>]
        public var line: Int?

        public init(name: String, startMinute: Int, endMinute: Int, days: Set<Int> = Set(1...7), breaks: [ClosedRange<Int>] = [], line: Int? = nil) {
            self.name = name; self.startMinute = startMinute; self.endMinute = endMinute; self.days = days; self.breaks = breaks; self.line = line
        }
    }

    /// A local calendar date.
    public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var year: Int, month: Int, day: Int
        public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }
        public static func < (a: LocalDate, b: LocalDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
        public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }
    }

    /// A stop planned ahead for some entities (all when `entities` is empty), such as planned
    /// maintenance: planned downtime where it falls in a shift.
    public struct PlannedStop: Sendable, Equatable {
        public var entities: [String]
        /// Milliseconds since 1970, `start` < `end`.
        public var start: Int64
        public var end: Int64
        public var reason: String
        public var line: Int?
        public init(entities: [String] = [], start: Int64, end: Int64, reason: String = "planned", line: Int? = nil) {
            self.entities = entities; self.start = start; self.end = end; self.reason = reason; self.line = line
        }
        public func applies(to entity: String) -> Bool { entities.isEmpty || entities.contains(entity) }
    }

    /// One shift as worked on one day: its times and its breaks (milliseconds since 1970).
    public struct Period: Sendable, Equatable {
        public var name: String
        public var date: LocalDate
        public var start: Int64
        public var end: Int64
        public var breaks: [Range<Int64>]
    }

    /// The time zone's IANA name (`UTC` by default).
    public var timeZone: String
    public var shifts: [Shift]
    public var daysOff: Set<LocalDate>
    public var plannedStops: [PlannedStop]
    public var line: Int?

    public init(timeZone: String = "UTC", shifts: [Shift] = [], daysOff: Set<LocalDate> = [], plannedStops: [PlannedStop] = [], line: Int? = nil) {
        self.timeZone = timeZone; self.shifts = shifts; self.daysOff = daysOff; self.plannedStops = plannedStops; self.line = line
    }

    /// The Gregorian calendar in the plant's zone (UTC where the name is not known).
    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return c
    }

    /// Milliseconds of a local wall-clock time (minutes after `date`'s midnight, beyond 1440 on
    /// the next days). In a daylight-saving change the calendar's rule picks the moment.
    func milliseconds(_ date: LocalDate, minute: Int, in c: Calendar) -> Int64 {
        var d = DateComponents(year: date.year, month: date.month, day: date.day + minute / 1440, hour: (minute % 1440) / 60, minute: minute % 60)
        d.timeZone = c.timeZone
        let moment = c.date(from: d) ?? Date(timeIntervalSince1970: 0)
        return Int64((moment.timeIntervalSince1970 * 1000).rounded())
    }

    /// The local date of a moment.
    func localDate(_ ms: Int64, in c: Calendar) -> LocalDate {
        let d = c.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return LocalDate(year: d.year!, month: d.month!, day: d.day!)
    }

    /// The shifts worked between `from` and `to` (any part of them), in time order. A shift on a
    /// day off is not worked. Costs a few calendar computations per day in the range.
    public func periods(from: Int64, to: Int64) -> [Period] {
        guard from < to, !shifts.isEmpty else { return [] }
        let c = calendar
        // A shift that started the day before may still run at `from`.
        var day = localDate(from - 86_400_000, in: c)
        let last = localDate(to, in: c)
        var result: [Period] = []
        var guardDays = 0
        while day <= last, guardDays < 100_000 {
            guardDays += 1
            let midnight = milliseconds(day, minute: 0, in: c)
            let weekday = (c.component(.weekday, from: Date(timeIntervalSince1970: Double(midnight) / 1000)) + 5) % 7 + 1
            if !daysOff.contains(day) {
                for shift in shifts where shift.days.contains(weekday) {
                    let start = milliseconds(day, minute: shift.startMinute, in: c), end = milliseconds(day, minute: shift.endMinute, in: c)
                    guard start < to, end > from else { continue }
                    let breaks = shift.breaks.map { milliseconds(day, minute: $0.lowerBound, in: c)..<milliseconds(day, minute: $0.upperBound, in: c) }
                    result.append(Period(name: shift.name, date: day, start: start, end: end, breaks: breaks))
                }
            }
            day = localDate(milliseconds(day, minute: 1440, in: c), in: c)
        }
        return result.sorted { $0.start < $1.start }
    }

    /// The shift worked at `t`, if any.
    public func period(at t: Int64) -> Period? {
        periods(from: t, to: t + 1).first { $0.start <= t && t < $0.end }
    }

    /// Where a moment falls for an entity.
    public enum Moment: Sendable, Equatable {
        /// In a shift, planned to be busy.
        case working(Period)
        /// In a shift's break.
        case onBreak(Period)
        /// In a shift, but in a planned stop for the entity.
        case plannedStop(Period, PlannedStop)
        /// Outside every shift (no shift then, or a day off).
        case noShift
    }

    /// Where `t` falls for `entity` (nil: the plant as a whole).
    public func moment(_ t: Int64, entity: String? = nil) -> Moment {
        guard let p = period(at: t) else { return .noShift }
        if p.breaks.contains(where: { $0.contains(t) }) { return .onBreak(p) }
        if let stop = plannedStops.first(where: { $0.start <= t && t < $0.end && (entity.map($0.applies(to:)) ?? $0.entities.isEmpty) }) {
            return .plannedStop(p, stop)
        }
        return .working(p)
    }

    /// The planned time of `entity` between `from` and `to` (milliseconds), after ISO 22400-2.
    public struct PlannedTime: Sendable, Equatable {
        /// Planned operation time: the shifts.
        public var operation: Int64
        /// Planned downtime inside the shifts: breaks and planned stops.
        public var downtime: Int64
        /// Planned busy time: operation less downtime, the time availability is measured against.
        public var busy: Int64 { operation - downtime }
        /// The busy time itself, as sorted, disjoint intervals.
        public var busyIntervals: [Range<Int64>]
    }

    /// The planned time of `entity` between `from` and `to`.
    public func plannedTime(of entity: String, from: Int64, to: Int64) -> PlannedTime {
        let shiftTime = Self.union(periods(from: from, to: to).map { max($0.start, from)..<min($0.end, to) })
        var down: [Range<Int64>] = []
        for p in periods(from: from, to: to) { down += p.breaks }
        for stop in plannedStops where stop.applies(to: entity) { down.append(stop.start..<stop.end) }
        let downInShifts = Self.intersect(shiftTime, Self.union(down))
        let busy = Self.subtract(shiftTime, downInShifts)
        let total = shiftTime.reduce(Int64(0)) { $0 + ($1.upperBound - $1.lowerBound) }
        let downtime = downInShifts.reduce(Int64(0)) { $0 + ($1.upperBound - $1.lowerBound) }
        return PlannedTime(operation: total, downtime: downtime, busyIntervals: busy)
    }

    // MARK: Interval sets (sorted, disjoint, non-empty ranges)

    static func union(_ ranges: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        for r in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, r.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                result.append(r)
            }
        }
        return result
    }

    static func intersect(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let lo = max(a[i].lowerBound, b[j].lowerBound), hi = min(a[i].upperBound, b[j].upperBound)
            if lo < hi { result.append(lo..<hi) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return result
    }

    static func subtract(_ a: [Range<Int64>], _ b: [Range<Int64>]) -> [Range<Int64>] {
        var result: [Range<Int64>] = []
        var j = 0
        for r in a {
            var lo = r.lowerBound
            while j < b.count, b[j].upperBound <= lo { j += 1 }
            var k = j
            while k < b.count, b[k].lowerBound < r.upperBound {
                if b[k].lowerBound > lo { result.append(lo..<b[k].lowerBound) }
                lo = max(lo, b[k].upperBound)
                k += 1
            }
            if lo < r.upperBound { result.append(lo..<r.upperBound) }
        }
        return result
    }
}

extension ShiftCalendar.Shift {
    /// "06:00-14:00".
    public var hours: String { "\(Self.clock(startMinute))-\(Self.clock(endMinute))" }
    /// "06:00" for minute 360 (and for 1800, the next day's 06:00).
    public static func clock(_ minute: Int) -> String { String(format: "%02d:%02d", (minute % 1440) / 60, minute % 60) }
}

extension ShiftCalendar.Moment {
    /// "shift early (06:00-14:00)", "break in shift early (06:00-14:00)", "planned stop
    /// (planned_maintenance) in shift early (06:00-14:00)" or "no shift".
    public func text(in calendar: ShiftCalendar) -> String {
        func shift(_ p: ShiftCalendar.Period) -> String {
            let hours = calendar.shifts.first { $0.name == p.name }.map { " (\($0.hours))" } ?? ""
            return "shift \(p.name)\(hours)"
        }
        switch self {
        case .working(let p): return shift(p)
        case .onBreak(let p): return "break in " + shift(p)
        case let .plannedStop(p, stop): return "planned stop (\(stop.reason)) in " + shift(p)
        case .noShift: return "no shift"
        }
    }

    /// `working`, `break`, `planned_stop` or `no_shift`.
    public var name: String {
        switch self {
        case .working: return "working"
        case .onBreak: return "break"
        case .plannedStop: return "planned_stop"
        case .noShift: return "no_shift"
        }
    }

    /// The shift it falls in, if any.
    public var period: ShiftCalendar.Period? {
        switch self {
        case .working(let p), .onBreak(let p), .plannedStop(let p, _): return p
        case .noShift: return nil
        }
    }
}
