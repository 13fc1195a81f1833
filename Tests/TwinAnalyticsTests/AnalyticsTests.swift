import Foundation
import Testing
import TwinTestSupport
import TwinLayout
import TwinState
@testable import TwinAnalytics

/// Performance and bottleneck figures on histories written by hand, with the answers worked
/// out by hand beside them.
@Suite("Production analytics")
struct AnalyticsTests {
    static func t(_ hhmm: String) -> Timestamp { Timestamp(iso8601: "2026-05-04T\(hhmm):00Z")! }
    static let minute: Int64 = 60_000

    /// A history of `plant` holding `lines` (JSON updates; "HH:MM" stands for that time on the
    /// demo's Monday).
    static func history(_ lines: [String], plant: Plant = Demo.plant) throws -> (History, String) {
        let directory = Demo.temporaryDirectory()
        let history = try History(path: directory + "/h.sqlite", initialState: PlantState(plant: plant))
        let text = lines.map { line in
            var l = line
            if let r = l.range(of: #""t":"(\d\d:\d\d)""#, options: .regularExpression) {
                let hhmm = String(l[r].dropFirst(5).dropLast())
                l.replaceSubrange(r, with: #""t":"\#(t(hhmm))""#)
            }
            return l
        }.joined(separator: "\n") + "\n"
        try text.write(toFile: directory + "/u.jsonl", atomically: true, encoding: .utf8)
        var state = history.initialState
        let report = try UpdateFile.apply(path: directory + "/u.jsonl", to: &state, history: history, options: .init(batchSize: 3))
        #expect(report.rejectedCount == 0, "\(report.rejected.first.map(String.init(describing:)) ?? "")")
        return (history, directory)
    }

    static func plant(calendar: Bool, noDataAfter: Double? = nil) -> Plant {
        var p = Demo.plant
        if !calendar { p.calendar = nil }
        p.sync.noDataAfter = noDataAfter
        return p
    }

    /// M-001 (a CNC mill, ideal cycle 95 s) from 06:00 to 08:00 without a calendar: running 30
    /// min, faulted 15, running 15, on a break 15 (planned), running 45. Running 90 min of 105
    /// planned busy (120 less the break): A = 90/105. Parts: 40 good, a reset to 3, then 10: 50
    /// good and 2 scrap; P = 52 x 95 s / 5400 s; Q = 50/52.
    @Test func machinePerformanceByHand() throws {
        let plant = Self.plant(calendar: false)
        let (history, directory) = try Self.history([
            #"{"t":"06:00","entity":"M-001","set":{"status":"running","counters":{"good":0,"scrap":0}}}"#,
            #"{"t":"06:30","entity":"M-001","set":{"status":"fault","reasons":["E-17"]}}"#,
            #"{"t":"06:45","entity":"M-001","set":{"status":"running"}}"#,
            #"{"t":"07:00","entity":"M-001","set":{"status":"idle","reasons":["break"]}}"#,
            #"{"t":"07:15","entity":"M-001","set":{"status":"running","counters":{"good":40}}}"#,
            #"{"t":"07:40","entity":"M-001","set":{"counters":{"good":3}}}"#,
            #"{"t":"07:50","entity":"M-001","set":{"counters":{"good":10,"scrap":2}}}"#,
        ], plant: plant)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try ProductionReport.make(plant: plant, history: history, from: Self.t("06:00"), to: Self.t("08:00"))
        let m = try #require(report.machines.first { $0.entity == "M-001" })
        #expect(m.calendarBusy == 120 * Self.minute && m.reportedPlannedStops == 15 * Self.minute && m.noData == 0)
        #expect(m.plannedBusy == 105 * Self.minute)
        #expect(m.timeIn == [.running: 90 * Self.minute, .fault: 15 * Self.minute, .idle: 15 * Self.minute])
        #expect(m.good == 50 && m.scrap == 2 && m.counterResets == 1)
        #expect(abs(m.availability! - 90.0 / 105) < 1e-12)
        #expect(abs(m.performance! - 52.0 * 95 / 5400) < 1e-12)
        #expect(abs(m.quality! - 50.0 / 52) < 1e-12)
        #expect(abs(m.oee! - (90.0 / 105) * (52.0 * 95 / 5400) * (50.0 / 52)) < 1e-12)
        // A machine that never reported: all of its time is without data, and no figure is guessed.
        let silent = try #require(report.machines.first { $0.entity == "M-044" })
        #expect(silent.noData == 120 * Self.minute && silent.plannedBusy == 0 && silent.availability == nil && silent.oee == nil)
        #expect(report.text.split(separator: "\n").contains { $0.hasPrefix("M-001 ") && $0.contains("1 h 45 min") && $0.contains("85.7 %") }, "\(report.text)")
    }

    /// With the demo's calendar (early shift 06:00-14:00, a break 09:00-09:15): from 08:30 to
    /// 09:30 M-002 runs throughout (reporting every 10 min), but only 45 minutes are planned
    /// busy time; M-003 goes offline 08:40-09:00 (20 min without data); M-004, silent over 10 min
    /// by the plant's rule, has data 08:30-08:40 and 09:00-09:10 only.
    @Test func calendarAndGapsByHand() throws {
        let plant = Self.plant(calendar: true, noDataAfter: 600)
        let (history, directory) = try Self.history([
            #"{"t":"08:30","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"08:30","entity":"M-003","set":{"status":"running","connection":"ONLINE"}}"#,
            #"{"t":"08:30","entity":"M-004","set":{"status":"running"}}"#,
            #"{"t":"08:40","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"08:40","entity":"M-003","set":{"connection":"OFFLINE"}}"#,
            #"{"t":"08:50","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"09:00","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"09:00","entity":"M-003","set":{"connection":"ONLINE"}}"#,
            #"{"t":"09:00","entity":"M-004","set":{"status":"running"}}"#,
            #"{"t":"09:10","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"09:10","entity":"M-003","set":{"status":"running"}}"#,
            #"{"t":"09:20","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"09:20","entity":"M-003","set":{"status":"running"}}"#,
        ], plant: plant)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try ProductionReport.make(plant: plant, history: history, from: Self.t("08:30"), to: Self.t("09:30"))
        func m(_ id: String) throws -> MachinePerformance { try #require(report.machines.first { $0.entity == id }) }
        #expect(try m("M-002").calendarBusy == 45 * Self.minute && m("M-002").running == 45 * Self.minute && m("M-002").availability == 1)
        // M-003: running 08:30-08:40 and 09:15-09:30 inside busy time, offline 08:40-09:00.
        #expect(try m("M-003").noData == 20 * Self.minute && m("M-003").running == 25 * Self.minute && m("M-003").availability == 1)
        // M-004: 08:30-08:40 running, silent 08:40-09:00, running 09:00-09:10 (in the break:
        // not busy), silent 09:10-09:30 (busy 09:15-09:30).
        #expect(try m("M-004").running == 10 * Self.minute)
        #expect(try m("M-004").noData == 20 * Self.minute + 15 * Self.minute)
        #expect(try m("M-004").plannedBusy == 10 * Self.minute)
    }

    /// A line of two: M-001 active 06:00-06:40, then starved; M-002 active 06:00-06:10, blocked,
    /// active again 06:15-07:00. M-001's period (40 min) is the longest until M-002's (45 min)
    /// begins: M-001 is the sole bottleneck 06:00-06:15; M-002 then, shifting with M-001 while
    /// their periods overlap (06:15-06:40), alone after.
    @Test func shiftingBottlenecksByHand() throws {
        let plant = Self.plant(calendar: false)
        let (history, directory) = try Self.history([
            #"{"t":"06:00","entity":"M-001","set":{"status":"running"}}"#,
            #"{"t":"06:00","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"06:10","entity":"M-002","set":{"status":"blocked"}}"#,
            #"{"t":"06:15","entity":"M-002","set":{"status":"fault"}}"#,
            #"{"t":"06:25","entity":"M-002","set":{"status":"running"}}"#,
            #"{"t":"06:40","entity":"M-001","set":{"status":"starved"}}"#,
        ], plant: plant)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let timeline = try StatusTimeline.read(history, from: Self.t("06:00"), to: Self.t("07:00"), noDataAfter: nil)
        let b = BottleneckAnalysis.analyse(timeline, line: "L", machines: ["M-001", "M-002"])
        let at = { (s: String) in Self.t(s).milliseconds }
        #expect(b.stretches == [
            .init(start: at("06:00"), end: at("06:15"), machine: "M-001", shifting: false),
            .init(start: at("06:15"), end: at("06:40"), machine: "M-002", shifting: true, with: "M-001"),
            .init(start: at("06:40"), end: at("07:00"), machine: "M-002", shifting: false),
        ])
        #expect(b.shares == [.init(machine: "M-002", sole: 20 * Self.minute, shifting: 25 * Self.minute),
                             .init(machine: "M-001", sole: 15 * Self.minute, shifting: 25 * Self.minute)])
    }

    /// A late update changes the figures as if it had come in time (the history is by event time).
    @Test func aLateFaultCountsAtItsTime() throws {
        let plant = Self.plant(calendar: false)
        let (history, directory) = try Self.history([
            #"{"t":"06:00","entity":"M-001","set":{"status":"running"}}"#,
            #"{"t":"06:50","entity":"M-001","set":{"status":"running"}}"#,
            #"{"t":"06:20","entity":"M-001","set":{"status":"fault"}}"#,
            #"{"t":"06:30","entity":"M-001","set":{"status":"running"}}"#,
        ], plant: plant)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try ProductionReport.make(plant: plant, history: history, from: Self.t("06:00"), to: Self.t("07:00"))
        let m = try #require(report.machines.first { $0.entity == "M-001" })
        #expect(m.timeIn == [.running: 50 * Self.minute, .fault: 10 * Self.minute])
    }

    @Test func machinesWithoutDataAreListedInRuns() {
        #expect(ProductionReport.list(["M-001", "M-002", "M-003", "M-007", "M-009", "M-010", "P-1"]) == "M-001..M-003, M-007, M-009..M-010, P-1")
        #expect(ProductionReport.list([]) == "")
    }
}
