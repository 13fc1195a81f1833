import Foundation
import Testing
@testable import TwinLayout

/// The manifest's `calendar:` (shifts, breaks, days off, planned stops) and the planned time it
/// gives, computed by hand; `machine_kinds:`; each way to get them wrong as one line.
@Suite("Shift calendar and machine kinds in the manifest")
struct ShiftCalendarTests {
    static func load(_ extra: String) throws -> Plant {
        let fixture = try Fixture()
        return try PlantLoader().load(path: try fixture.manifest(Fixture.valid + "\n" + extra))
    }

    static let threeShifts = """
        calendar:
          shifts:
            - {name: early, start: "06:00", end: "14:00", days: mon-fri, breaks: ["09:00-09:15", "11:30-12:00"]}
            - {name: late, start: "14:00", end: "22:00", days: [mon, tue, wed, thu, fri], breaks: ["17:00-17:15", "19:30-20:00"]}
            - {name: night, start: "22:00", end: "06:00", days: sun-thu, breaks: ["02:00-02:30"]}
          days_off: [2026-12-24]
          planned_stops:
            - {entities: [P-1], from: "2026-05-04T10:00", to: "2026-05-04T15:00", reason: planned_maintenance}

        """

    /// Milliseconds of a UTC time.
    static func ms(_ text: String) -> Int64 {
        let f = ISO8601DateFormatter()
        return Int64(f.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    static let hour: Int64 = 3_600_000, minute: Int64 = 60_000

    @Test func theCalendarIsRead() throws {
        let calendar = try #require(try Self.load(Self.threeShifts).calendar)
        #expect(calendar.timeZone == "UTC")
        #expect(calendar.shifts.map(\.name) == ["early", "late", "night"])
        #expect(calendar.shifts[0].days == Set(1...5) && calendar.shifts[2].days == [7, 1, 2, 3, 4])
        #expect(calendar.shifts[2].startMinute == 22 * 60 && calendar.shifts[2].endMinute == 30 * 60)
        #expect(calendar.shifts[2].breaks == [26 * 60...(26 * 60 + 30)])
        #expect(calendar.daysOff == [ShiftCalendar.LocalDate(year: 2026, month: 12, day: 24)])
        #expect(calendar.plannedStops == [ShiftCalendar.PlannedStop(entities: ["P-1"], start: Self.ms("2026-05-04T10:00:00Z"), end: Self.ms("2026-05-04T15:00:00Z"),
                                                                    reason: "planned_maintenance", line: calendar.plannedStops.first?.line)])
    }

    /// Monday 2026-05-04, midnight to midnight: Sunday's night shift until 06:00 (6 h, its break
    /// at 02:00), early and late (8 h each less 45 min of breaks), Monday's night shift from
    /// 22:00 (2 h inside the day). Operation 24 h, breaks 2 h: busy 22 h. R-1 has no planned
    /// stop; P-1 loses 10:00-15:00 less what breaks already took (11:30-12:00 early): 4.5 h more.
    @Test func plannedTimeOfADayByHand() throws {
        let calendar = try #require(try Self.load(Self.threeShifts).calendar)
        let from = Self.ms("2026-05-04T00:00:00Z"), to = Self.ms("2026-05-05T00:00:00Z")
        let r1 = calendar.plannedTime(of: "R-1", from: from, to: to)
        #expect(r1.operation == 24 * Self.hour)
        #expect(r1.downtime == 2 * Self.hour)
        #expect(r1.busy == 22 * Self.hour)
        let p1 = calendar.plannedTime(of: "P-1", from: from, to: to)
        #expect(p1.operation == 24 * Self.hour && p1.downtime == 2 * Self.hour + 4 * Self.hour + 30 * Self.minute)
        #expect(p1.busyIntervals.first == from..<Self.ms("2026-05-04T02:00:00Z"))
        let periods = calendar.periods(from: from, to: to)
        #expect(periods.map(\.name) == ["night", "early", "late", "night"])
        #expect(periods[0].start == Self.ms("2026-05-03T22:00:00Z") && periods[0].end == Self.ms("2026-05-04T06:00:00Z"))
    }

    /// Saturday has no shift; Friday's night shift does not run (sun-thu); a day off has none.
    @Test func weekendsAndDaysOff() throws {
        let calendar = try #require(try Self.load(Self.threeShifts).calendar)
        let saturday = calendar.plannedTime(of: "R-1", from: Self.ms("2026-05-09T00:00:00Z"), to: Self.ms("2026-05-10T00:00:00Z"))
        #expect(saturday.operation == 0 && saturday.busy == 0)
        // Thursday 2026-12-24 is a day off: only Wednesday's night shift reaches into it.
        let christmasEve = calendar.plannedTime(of: "R-1", from: Self.ms("2026-12-24T00:00:00Z"), to: Self.ms("2026-12-25T00:00:00Z"))
        #expect(christmasEve.operation == 6 * Self.hour && christmasEve.busy == 5 * Self.hour + 30 * Self.minute)
        #expect(calendar.moment(Self.ms("2026-12-24T10:00:00Z")) == .noShift)
    }

    @Test func whereAMomentFalls() throws {
        let calendar = try #require(try Self.load(Self.threeShifts).calendar)
        guard case .working(let p) = calendar.moment(Self.ms("2026-05-04T07:00:00Z")) else { Issue.record("not working"); return }
        #expect(p.name == "early")
        guard case .onBreak(let b) = calendar.moment(Self.ms("2026-05-05T02:10:00Z")) else { Issue.record("not a break"); return }
        #expect(b.name == "night" && b.date == ShiftCalendar.LocalDate(year: 2026, month: 5, day: 4))
        guard case .plannedStop(_, let stop) = calendar.moment(Self.ms("2026-05-04T10:30:00Z"), entity: "P-1") else { Issue.record("no stop"); return }
        #expect(stop.reason == "planned_maintenance")
        #expect(calendar.moment(Self.ms("2026-05-04T10:30:00Z"), entity: "R-1").name == "working")
        #expect(calendar.moment(Self.ms("2026-05-04T10:30:00Z")).text(in: calendar) == "shift early (06:00-14:00)")
        #expect(calendar.moment(Self.ms("2026-05-04T09:05:00Z")).text(in: calendar) == "break in shift early (06:00-14:00)")
    }

    /// Shift times are local: in Berlin the early shift starts at 04:00 UTC in summer and 05:00
    /// in winter, and the night the clocks go forward is an hour shorter.
    @Test func localTimeAndDaylightSaving() throws {
        let plant = try Self.load("""
            calendar:
              time_zone: Europe/Berlin
              shifts:
                - {name: early, start: "06:00", end: "14:00"}
                - {name: night, start: "22:00", end: "06:00"}
              planned_stops:
                - {from: "2026-07-01T08:00", to: "2026-07-01T09:00Z"}

            """)
        let calendar = try #require(plant.calendar)
        #expect(calendar.period(at: Self.ms("2026-07-01T04:30:00Z"))?.name == "early")
        #expect(calendar.period(at: Self.ms("2026-01-14T04:30:00Z"))?.name == "night")
        let night = try #require(calendar.periods(from: Self.ms("2026-03-28T22:00:00Z"), to: Self.ms("2026-03-29T03:00:00Z")).first { $0.name == "night" && $0.date.day == 28 })
        #expect(night.end - night.start == 7 * Self.hour)
        // 08:00 in Berlin in summer is 06:00 UTC; the end was given in UTC.
        #expect(calendar.plannedStops[0].start == Self.ms("2026-07-01T06:00:00Z") && calendar.plannedStops[0].end == Self.ms("2026-07-01T09:00:00Z"))
        #expect(calendar.plannedTime(of: "P-1", from: Self.ms("2026-07-01T04:00:00Z"), to: Self.ms("2026-07-01T12:00:00Z")).busy == 5 * Self.hour)
    }

    @Test func machineKindsGiveTheIdealCycleTime() throws {
        let plant = try Self.load("machine_kinds:\n  press: {cycle_s: 40}\n")
        #expect(plant.entity(id: "P-1")?.cycleSeconds == 40)
        #expect(plant.entity(id: "R-1")?.cycleSeconds == nil)
        // A machine's own cycle_s wins over its kind's.
        let fixture = try Fixture()
        let own = Fixture.valid.replacingOccurrences(of: "{id: P-1, kind: press, node: cell/Press-1}", with: "{id: P-1, kind: press, node: cell/Press-1, cycle_s: 30}")
        let mixed = try PlantLoader().load(path: try fixture.manifest(own + "\nmachine_kinds:\n  press: {cycle_s: 40}\n"))
        #expect(mixed.entity(id: "P-1")?.cycleSeconds == 30)
    }

    @Test(arguments: [
        ("calendar:\n  time_zone: Europe/Bonn\n", "calendar.time_zone: unknown time zone 'Europe/Bonn' (an IANA name such as Europe/Berlin, or UTC)"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"6:00\", end: \"14:00\"}\n", "calendar.shifts[0].start: expected a time of day \"HH:MM\" such as \"06:00\", found '6:00'"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"25:00\"}\n", "calendar.shifts[0].end: expected a time of day"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"06:00\"}\n", "calendar.shifts[0].end: a shift ends at another time than it starts"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\", days: mon-fry}\n", "calendar.shifts[0].days: unknown day 'fry'"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\", days: [mon, mon]}\n", "calendar.shifts[0].days[1]: 'mon' is listed twice"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\", breaks: [\"13:30-14:30\"]}\n", "calendar.shifts[0].breaks[0]: the break 13:30-14:30 lies outside shift a (06:00-14:00)"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\", breaks: [\"09:00\"]}\n", "calendar.shifts[0].breaks[0]: a break is written \"HH:MM-HH:MM\""),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\", breaks: [\"09:00-09:30\", \"09:15-09:45\"]}\n", "calendar.shifts[0].breaks[1]: the break 09:15-09:45 overlaps the break 09:00-09:30"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\"}\n    - {name: b, start: \"13:00\", end: \"21:00\", days: [wed]}\n", "calendar.shifts[1]: shift b (13:00-21:00) overlaps shift a (06:00-14:00) on wed"),
        ("calendar:\n  shifts:\n    - {name: n, start: \"22:00\", end: \"06:00\", days: [sun]}\n    - {name: e, start: \"05:00\", end: \"13:00\", days: [mon]}\n", "calendar.shifts[1]: shift e (05:00-13:00) overlaps shift n (22:00-06:00) on mon"),
        ("calendar:\n  shifts:\n    - {name: a, start: \"06:00\", end: \"14:00\"}\n    - {name: a, start: \"14:00\", end: \"22:00\"}\n", "calendar.shifts[1].name: duplicate shift 'a'"),
        ("calendar:\n  days_off: [2026-02-30]\n", "calendar.days_off[0]: expected a date YYYY-MM-DD such as 2026-12-24, found '2026-02-30'"),
        ("calendar:\n  days_off: [2026-12-24, 2026-12-24]\n", "calendar.days_off[1]: 2026-12-24 is listed twice"),
        ("calendar:\n  planned_stops:\n    - {entities: [P-9], from: \"2026-05-04T10:00\", to: \"2026-05-04T11:00\"}\n", "calendar.planned_stops[0].entities[0]: unknown entity 'P-9'"),
        ("calendar:\n  planned_stops:\n    - {entities: [AGV-1], from: \"2026-05-04T10:00\", to: \"2026-05-04T11:00\"}\n", "calendar.planned_stops[0].entities[0]: 'AGV-1' has no status to plan a stop for"),
        ("calendar:\n  planned_stops:\n    - {from: \"2026-05-04T10:00\", to: \"2026-05-04T09:00\"}\n", "calendar.planned_stops[0].to: a planned stop ends after it starts"),
        ("calendar:\n  planned_stops:\n    - {from: \"2026-05-04 10:00\", to: \"2026-05-04T11:00\"}\n", "calendar.planned_stops[0].from: expected a local date and time such as 2026-12-03T06:00"),
        ("calendar:\n  holidays: []\n", "calendar.holidays: unknown field"),
        ("machine_kinds:\n  prss: {cycle_s: 40}\n", "machine_kinds.prss: no machine is of kind 'prss' (kinds: press, robot)"),
        ("machine_kinds:\n  press: {cycle_s: 0}\n", "machine_kinds.press.cycle_s: must be greater than zero"),
        ("machine_kinds:\n  press: {ideal_s: 4}\n", "machine_kinds.press.ideal_s: unknown field"),
    ])
    func badCalendarsAreOneLine(yaml: String, message: String) throws {
        do { _ = try Self.load(yaml); Issue.record("accepted: \(yaml)") } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
