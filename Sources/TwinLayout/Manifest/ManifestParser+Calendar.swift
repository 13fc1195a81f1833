import Foundation

/// The manifest's `calendar:` (``ShiftCalendar``) and `machine_kinds:` sections.
extension ManifestParser {
    static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    /// At most this many shifts, breaks per shift, days off and planned stops.
    static let maximumShifts = 64, maximumBreaks = 16, maximumDaysOff = 10_000, maximumPlannedStops = 10_000

    func parseCalendar(_ field: ManifestField, entities: [PlantManifest.EntityDeclaration]) throws(LayoutError) -> ShiftCalendar {
        let m = try field.mapping(allowed: ["time_zone", "shifts", "days_off", "planned_stops"])
        var calendar = ShiftCalendar(line: field.line)
        if let zone = m.optional("time_zone") {
            let name = try zone.string()
            guard TimeZone(identifier: name) != nil else { throw zone.error("unknown time zone '\(name)' (an IANA name such as Europe/Berlin, or UTC)") }
            calendar.timeZone = name
        }
        let shiftFields = try m.optional("shifts")?.sequence() ?? []
        guard shiftFields.count <= Self.maximumShifts else { throw try m.required("shifts").error("at most \(Self.maximumShifts) shifts") }
        for item in shiftFields {
            let s = try item.mapping(allowed: ["name", "start", "end", "days", "breaks"])
            let nameField = try s.required("name")
            let name = try nameField.identifier()
            if let other = calendar.shifts.first(where: { $0.name == name }) {
                throw nameField.error("duplicate shift '\(name)' (first declared on line \(other.line.map(String.init) ?? "?"))")
            }
            let start = try Self.clockMinute(try s.required("start"))
            var end = try Self.clockMinute(try s.required("end"), allowing24: true)
            if end == start { throw try s.required("end").error("a shift ends at another time than it starts") }
            if end < start { end += 1440 }   // ends the next day
            var shift = ShiftCalendar.Shift(name: name, startMinute: start, endMinute: end, line: item.line)
            if let days = s.optional("days") { shift.days = try Self.weekdays(days) }
            let breakFields = try s.optional("breaks")?.sequence() ?? []
            guard breakFields.count <= Self.maximumBreaks else { throw try s.required("breaks").error("at most \(Self.maximumBreaks) breaks a shift") }
            for b in breakFields {
                // "09:00-09:15"; times before the shift's start fall on the next day.
                let text = try b.string()
                let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, var lo = Self.clockMinute(parts[0]), var hi = Self.clockMinute(parts[1], allowing24: true) else {
                    throw b.error("a break is written \"HH:MM-HH:MM\", such as \"09:00-09:15\"; found '\(text)'")
                }
                if lo < start { lo += 1440 }
                if hi <= start { hi += 1440 }
                guard lo < hi, lo >= start, hi <= end else { throw b.error("the break \(text) lies outside shift \(name) (\(shift.hours))") }
                if let other = shift.breaks.first(where: { $0.lowerBound < hi && lo < $0.upperBound }) {
                    throw b.error("the break \(text) overlaps the break \(ShiftCalendar.Shift.clock(other.lowerBound))-\(ShiftCalendar.Shift.clock(other.upperBound))")
                }
                shift.breaks.append(lo...hi)
            }
            shift.breaks.sort { $0.lowerBound < $1.lowerBound }
            // Two shifts may not run at once: compare them over the week, in minutes.
            for other in calendar.shifts {
                if let day = Self.firstOverlap(shift, other) {
                    throw item.error("shift \(name) (\(shift.hours)) overlaps shift \(other.name) (\(other.hours)) on \(day)")
                }
            }
            calendar.shifts.append(shift)
        }
        if let daysOff = m.optional("days_off") {
            let items = try daysOff.sequence()
            guard items.count <= Self.maximumDaysOff else { throw daysOff.error("at most \(Self.maximumDaysOff) days off") }
            for item in items {
                let date = try Self.localDate(item)
                guard calendar.daysOff.insert(date).inserted else { throw item.error("\(date) is listed twice") }
            }
        }
        if let stops = m.optional("planned_stops") {
            let items = try stops.sequence()
            guard items.count <= Self.maximumPlannedStops else { throw stops.error("at most \(Self.maximumPlannedStops) planned stops") }
            let known = Dictionary(entities.map { ($0.id, $0.category) }, uniquingKeysWith: { a, _ in a })
            for item in items {
                let p = try item.mapping(allowed: ["entities", "from", "to", "reason"])
                var stop = ShiftCalendar.PlannedStop(start: 0, end: 0, line: item.line)
                for e in try p.optional("entities")?.sequence() ?? [] {
                    let id = try e.identifier()
                    guard let category = known[id] else { throw e.error("unknown entity '\(id)'") }
                    guard category != .agv, category != .structure, category != .object else { throw e.error("'\(id)' has no status to plan a stop for") }
                    stop.entities.append(id)
                }
                stop.start = try Self.localMoment(try p.required("from"), in: calendar)
                stop.end = try Self.localMoment(try p.required("to"), in: calendar)
                guard stop.start < stop.end else { throw try p.required("to").error("a planned stop ends after it starts") }
                if let reason = p.optional("reason") { stop.reason = try reason.identifier() }
                calendar.plannedStops.append(stop)
            }
        }
        return calendar
    }

    /// `machine_kinds: {press: {cycle_s: 40}}`: what machines of a kind share unless they say
    /// otherwise; every kind named is a kind of some machine.
    func applyMachineKinds(_ field: ManifestField, to entities: inout [PlantManifest.EntityDeclaration]) throws(LayoutError) {
        guard case .mapping(let mapping) = field.node else { throw field.error("expected a mapping of machine kinds, such as press: {cycle_s: 40}") }
        let kinds = Set(entities.filter { $0.category == .machine }.compactMap(\.kind))
        for (key, value) in mapping {
            guard let kind = key.string, !kind.isEmpty else { throw field.error("a machine kind is a name") }
            let f = field.child(value, kind)
            guard kinds.contains(kind) else {
                throw f.error("no machine is of kind '\(kind)' (kinds: \(kinds.sorted().joined(separator: ", ")))")
            }
            let k = try f.mapping(allowed: ["cycle_s"])
            let cycle = try k.optional("cycle_s")?.positiveDouble()
            for i in entities.indices where entities[i].category == .machine && entities[i].kind == kind && entities[i].cycleSeconds == nil {
                entities[i].cycleSeconds = cycle
            }
        }
    }

    // MARK: Reading times

    /// "06:00" as minutes after midnight.
    static func clockMinute(_ f: ManifestField, allowing24: Bool = false) throws(LayoutError) -> Int {
        let text = try f.string()
        guard let minute = clockMinute(text, allowing24: allowing24) else {
            throw f.error("expected a time of day \"HH:MM\" such as \"06:00\"\(allowing24 ? " (or \"24:00\")" : ""), found '\(text)'")
        }
        return minute
    }

    static func clockMinute(_ text: String, allowing24: Bool = false) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...59).contains(m), (0...23).contains(h) || (allowing24 && h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }

    /// `mon-fri`, `[mon, wed, sat]` or `every_day` as ISO weekdays (1 Monday ... 7 Sunday).
    static func weekdays(_ f: ManifestField) throws(LayoutError) -> Set<Int> {
        func day(_ text: String, _ at: ManifestField) throws(LayoutError) -> Int {
            guard let i = weekdayNames.firstIndex(of: text.lowercased()) else {
                throw at.error("unknown day '\(text)' (expected \(weekdayNames.joined(separator: ", ")), a range such as mon-fri, or every_day)")
            }
            return i + 1
        }
        if case .scalar = f.node {
            let text = try f.string()
            if text == "every_day" { return Set(1...7) }
            let parts = text.split(separator: "-").map(String.init)
            guard parts.count == 2 else { return [try day(text, f)] }
            let a = try day(parts[0], f), b = try day(parts[1], f)
            // A range wraps past Sunday: fri-mon is Friday to Monday.
            return Set(a <= b ? Array(a...b) : Array(a...7) + Array(1...b))
        }
        var days = Set<Int>()
        for item in try f.sequence() {
            guard days.insert(try day(try item.string(), item)).inserted else { throw item.error("'\(try item.string())' is listed twice") }
        }
        guard !days.isEmpty else { throw f.error("a shift runs on at least one day") }
        return days
    }

    /// "2026-12-24".
    static func localDate(_ f: ManifestField) throws(LayoutError) -> ShiftCalendar.LocalDate {
        let text = try f.string()
        guard let date = localDate(text) else { throw f.error("expected a date YYYY-MM-DD such as 2026-12-24, found '\(text)'") }
        return date
    }

    static func localDate(_ text: String) -> ShiftCalendar.LocalDate? {
        let p = text.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= days else { return nil }
        return ShiftCalendar.LocalDate(year: y, month: m, day: d)
    }

    /// "2026-12-03T06:00" (local to the calendar's zone), with optional seconds, or with `Z` or
    /// an offset such as `+01:00` for a moment given in UTC or another offset.
    static func localMoment(_ f: ManifestField, in calendar: ShiftCalendar) throws(LayoutError) -> Int64 {
        let text = try f.string()
        let bad = f.error("expected a local date and time such as 2026-12-03T06:00 (or with Z or +01:00), found '\(text)'")
        let pieces = text.split(separator: "T", maxSplits: 1).map(String.init)
        guard pieces.count == 2, let date = localDate(pieces[0]) else { throw bad }
        var clock = pieces[1]
        var offsetMinutes: Int?
        if clock.hasSuffix("Z") {
            offsetMinutes = 0; clock.removeLast()
        } else if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            guard let minutes = clockMinute(String(clock[clock.index(after: sign)...])) else { throw bad }
            offsetMinutes = clock[sign] == "-" ? -minutes : minutes
            clock = String(clock[..<sign])
        }
        var seconds = 0
        if clock.count == 8, clock.dropFirst(5).first == ":" {
            guard let s = Int(clock.suffix(2)), (0...59).contains(s) else { throw bad }
            seconds = s; clock = String(clock.prefix(5))
        }
        guard let minute = clockMinute(clock) else { throw bad }
        if let offsetMinutes {
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let midnight = utc.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
            return Int64((midnight.timeIntervalSince1970 * 1000).rounded()) + Int64(minute - offsetMinutes) * 60_000 + Int64(seconds) * 1000
        }
        return calendar.milliseconds(date, minute: minute, in: calendar.calendar) + Int64(seconds) * 1000
    }

    /// The first weekday on which two shifts run at the same time, or nil.
    static func firstOverlap(_ a: ShiftCalendar.Shift, _ b: ShiftCalendar.Shift) -> String? {
        let week = 7 * 1440
        for da in a.days.sorted() {
            for db in b.days {
                let a0 = (da - 1) * 1440 + a.startMinute, a1 = (da - 1) * 1440 + a.endMinute
                let b0 = (db - 1) * 1440 + b.startMinute, b1 = (db - 1) * 1440 + b.endMinute
                // Compare on the circle of the week: b shifted a week either way.
                for shift in [-week, 0, week] where a0 < b1 + shift && b0 + shift < a1 {
                    return weekdayNames[da - 1]
                }
            }
        }
        return nil
    }
}
