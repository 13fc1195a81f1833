import Foundation
import TwinJSON
import TwinLayout
import TwinState

/// Machine performance and bottlenecks of a plant over one period of its history: what
/// `twin report` prints, as text, JSON or Markdown.
public struct ProductionReport: Sendable {
    public var plant: String
    public var start: Timestamp
    public var end: Timestamp
    /// What the period is: "shift early on 2026-05-04", or nil for a period given by its times.
    public var title: String?
    public var calendar: Bool
    public var machines: [MachinePerformance]
    public var bottlenecks: [BottleneckAnalysis]

    /// The report of `plant`'s history between `start` and `end`: every machine's figures, and
    /// the bottlenecks of each line (of all machines as one group where the plant has no lines).
    /// With `line`, only that production line's machines and bottleneck.
    public static func make(plant: Plant, history: History, from start: Timestamp, to end: Timestamp, title: String? = nil,
                            line: String? = nil) throws(StateError) -> ProductionReport {
        let timeline = try StatusTimeline.read(history, from: start, to: end, noDataAfter: plant.sync.noDataAfter)
        let only = line.flatMap { id in plant.lines.first { $0.id == id } }
        let machines = MachinePerformance.compute(timeline, plant: plant, machines: only?.machines)
        let groups: [(String, [String])] = only.map { [($0.id, $0.machines)] } ?? (plant.lines.isEmpty
            ? [("all machines", plant.entities.filter { $0.category == .machine }.map(\.id))]
            : plant.lines.map { ($0.id, $0.machines) })
        let bottlenecks = groups.map { BottleneckAnalysis.analyse(timeline, line: $0.0, machines: $0.1) }
        return ProductionReport(plant: plant.name, start: start, end: end, title: title, calendar: plant.calendar != nil,
                                machines: machines, bottlenecks: bottlenecks)
    }

    // MARK: Writing

    /// "7 h 15 min", "45 min", "0 min".
    static func span(_ ms: Int64) -> String {
        let minutes = (ms + 30_000) / 60_000
        if minutes < 60 { return "\(minutes) min" }
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// "M-001..M-011, M-017" for ids that follow one another as the plant lists them; plain
    /// ids joined otherwise.
    static func list(_ ids: [String]) -> String {
        var parts: [String] = []
        var runStart: String?, previous: String?
        func number(_ id: String) -> (String, Int)? {
            guard let dash = id.lastIndex(of: "-"), let n = Int(id[id.index(after: dash)...]) else { return nil }
            return (String(id[...dash]), n)
        }
        func flush() {
            guard let a = runStart, let b = previous else { return }
            parts.append(a == b ? a : "\(a)..\(b)")
        }
        for id in ids {
            if let p = previous, let (prefix, n) = number(id), let (pp, pn) = number(p), prefix == pp, n == pn + 1 {
                previous = id
                continue
            }
            flush()
            runStart = id; previous = id
        }
        flush()
        return parts.joined(separator: ", ")
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f %%", $0 * 100) } ?? "-" }

    static func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
        s.count >= n ? s : (right ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
    }

    var heading: String {
        "\(plant), \(title.map { $0 + ", " } ?? "")\(start) to \(end)"
    }

    /// The text `twin report` prints: one line per machine, then each line's bottlenecks.
    public var text: String {
        var out = heading + "\n"
        out += calendar ? "planned busy time from the calendar, less reported planned stops and time without data\n"
                        : "no calendar: the whole period counts as planned busy time, less reported planned stops and time without data\n"
        let columns = ["machine", "planned busy", "running", "no data", "avail", "perf", "quality", "OEE", "good", "scrap", "resets"]
        let widths = [9, 14, 14, 10, 8, 8, 8, 8, 7, 6, 6]
        out += zip(columns, widths).enumerated().map { Self.pad($0.element.0, $0.element.1, right: $0.offset > 0) }.joined(separator: " ") + "\n"
        // Machines without any data in the period: one line, not a row of dashes each.
        let silent = machines.filter { $0.noData == $0.calendarBusy && $0.calendarBusy > 0 && $0.timeIn.isEmpty }
        for m in machines where !silent.contains(m) {
            let cells = [m.entity, Self.span(m.plannedBusy), Self.span(m.running), Self.span(m.noData), Self.percent(m.availability), Self.percent(m.performance),
                         Self.percent(m.quality), Self.percent(m.oee), m.good.map(String.init) ?? "-", m.scrap.map(String.init) ?? "-", String(m.counterResets)]
            out += zip(cells, widths).enumerated().map { Self.pad($0.element.0, $0.element.1, right: $0.offset > 0) }.joined(separator: " ") + "\n"
        }
        if !silent.isEmpty {
            out += "no data in the period: \(silent.count) machine\(silent.count == 1 ? "" : "s") (\(Self.list(silent.map(\.entity))))\n"
        }
        let total = Double(end.milliseconds - start.milliseconds)
        for b in bottlenecks {
            let named = b.shares.filter { $0.sole + $0.shifting > 0 }.prefix(3)
            let text = named.map { "\($0.machine) sole \(Self.percent(Double($0.sole) / total)), shifting \(Self.percent(Double($0.shifting) / total))" }
            out += "bottleneck \(b.line): " + (text.isEmpty ? "none (no machine active)" : text.joined(separator: "; ")) + "\n"
        }
        return out
    }

    /// The report as JSON: fractions from 0 to 1, times in seconds.
    public var json: JSONValue {
        func seconds(_ ms: Int64) -> JSONValue { .number(Double(ms) / 1000) }
        func fraction(_ v: Double?) -> JSONValue { v.map { .number(($0 * 1e6).rounded() / 1e6) } ?? .null }
        var top = JSONObject([.init(key: "plant", value: .string(plant)), .init(key: "from", value: .string(start.description)),
                              .init(key: "to", value: .string(end.description))])
        if let title { top.append("period", .string(title)) }
        top.append("calendar", .bool(calendar))
        top.append("machines", .array(machines.map { m in
            var o = JSONObject([.init(key: "entity", value: .string(m.entity)), .init(key: "calendar_busy_s", value: seconds(m.calendarBusy)),
                                .init(key: "reported_planned_stops_s", value: seconds(m.reportedPlannedStops)), .init(key: "no_data_s", value: seconds(m.noData)),
                                .init(key: "planned_busy_s", value: seconds(m.plannedBusy))])
            var statuses = JSONObject()
            for status in MachineStatus.allCases { if let t = m.timeIn[status] { statuses.append(status.rawValue, seconds(t)) } }
            o.append("time_in_s", .object(statuses))
            o.append("availability", fraction(m.availability))
            o.append("performance", fraction(m.performance))
            o.append("quality", fraction(m.quality))
            o.append("oee", fraction(m.oee))
            o.append("good", m.good.map { .number(Double($0)) } ?? .null)
            o.append("scrap", m.scrap.map { .number(Double($0)) } ?? .null)
            o.append("counter_resets", .number(Double(m.counterResets)))
            o.append("ideal_cycle_s", m.idealCycleSeconds.map(JSONValue.number) ?? .null)
            return .object(o)
        }))
        top.append("bottlenecks", .array(bottlenecks.map { b in
            .object(JSONObject([
                .init(key: "line", value: .string(b.line)),
                .init(key: "shares", value: .array(b.shares.map { s in
                    .object(JSONObject([.init(key: "machine", value: .string(s.machine)), .init(key: "sole_s", value: seconds(s.sole)),
                                        .init(key: "shifting_s", value: seconds(s.shifting))]))
                })),
                .init(key: "timeline", value: .array(b.stretches.map { s in
                    var o = JSONObject([.init(key: "from", value: .string(Timestamp(milliseconds: s.start).description)),
                                        .init(key: "to", value: .string(Timestamp(milliseconds: s.end).description)),
                                        .init(key: "machine", value: .string(s.machine)), .init(key: "shifting", value: .bool(s.shifting))])
                    if let with = s.with { o.append("with", .string(with)) }
                    return .object(o)
                })),
            ]))
        }))
        return .object(top)
    }

    /// The report as Markdown: the machine table and each line's bottleneck shares.
    public var markdown: String {
        var out = "# Production report: \(heading)\n\n"
        out += calendar ? "Planned busy time from the plant's calendar, less reported planned stops and time without data (ISO 22400-2).\n\n"
                        : "No calendar: the whole period counts as planned busy time, less reported planned stops and time without data.\n\n"
        out += "| machine | planned busy | running | no data | availability | performance | quality | OEE | good | scrap | resets |\n"
        out += "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for m in machines {
            out += "| \(m.entity) | \(Self.span(m.plannedBusy)) | \(Self.span(m.running)) | \(Self.span(m.noData)) | \(Self.percent(m.availability)) | \(Self.percent(m.performance)) | \(Self.percent(m.quality)) | \(Self.percent(m.oee)) | \(m.good.map(String.init) ?? "-") | \(m.scrap.map(String.init) ?? "-") | \(m.counterResets) |\n"
        }
        let total = Double(end.milliseconds - start.milliseconds)
        for b in bottlenecks {
            out += "\n## Bottleneck of \(b.line)\n\n| machine | sole | shifting |\n|---|---:|---:|\n"
            for s in b.shares where s.sole + s.shifting > 0 {
                out += "| \(s.machine) | \(Self.percent(Double(s.sole) / total)) | \(Self.percent(Double(s.shifting) / total)) |\n"
            }
        }
        return out
    }
}
