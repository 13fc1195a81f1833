import TwinJSON
import Foundation
import TwinCollision
import TwinState

/// What a scenario run did: its events in order, the frames written, the route checks and the
/// assertions with what was found. Written as JSON for programs and Markdown for people.
public struct ScenarioReport: Sendable {
    public struct Entry: Sendable { public var time: Timestamp; public var line: Int?; public var kind: String; public var text: String }
    public struct RouteOutcome: Sendable {
        public var route: String, agv: String, collides: Bool, withinMargin: [String]
        public var firstContact: String?, minimumClearance: Double?
        init(_ r: RouteResult) {
            route = r.route.id; agv = r.agv; collides = r.report.collides; withinMargin = r.report.withinMargin
            firstContact = r.report.firstContact.map { String(format: "%@ at s = %.2f m (x %.2f, y %.2f)", $0.obstacle, $0.s, $0.pose.x, $0.pose.y) }
            minimumClearance = r.report.minimumClearance?.distance
        }
    }
    public struct Check: Sendable { public var time: Timestamp; public var line: Int?; public var routes: [RouteOutcome] }
    public struct Assertion: Sendable { public var time: Timestamp; public var line: Int?; public var condition: String; public var passed: Bool; public var actual: String }

    public var name: String
    public var description: String?
    public var file: String
    public var plant: String
    public var start: Timestamp
    public var end: Timestamp
    public var entries: [Entry] = []
    public var frames: [String] = []
    public var checks: [Check] = []
    public var assertions: [Assertion] = []
    public var updatesApplied: Int64 = 0
    public var wallSeconds: Double = 0
    /// The run was stopped before the scenario's end (Ctrl-C): what it holds is what was played.
    public var interrupted = false

    /// Every assertion held.
    public var passed: Bool { assertions.allSatisfy(\.passed) }

    mutating func record(_ time: Timestamp, _ line: Int?, _ kind: String, _ text: String) {
        entries.append(Entry(time: time, line: line, kind: kind, text: text))
    }

    public var simulatedSeconds: Double { end.seconds(since: start) }

    public func json() -> JSONValue {
        func n(_ v: Double) -> JSONValue { .number((v * 1000).rounded() / 1000) }
        var o = JSONObject()
        o.append("scenario", .string(name))
        o.append("file", .string(file))
        o.append("plant", .string(plant))
        o.append("start", .string(start.description))
        o.append("end", .string(end.description))
        o.append("passed", .bool(passed))
        o.append("interrupted", .bool(interrupted))
        o.append("simulated_s", n(simulatedSeconds))
        o.append("wall_s", n(wallSeconds))
        o.append("updates_applied", .number(Double(updatesApplied)))
        o.append("assertions", .array(assertions.map { a in
            .object(JSONObject([.init(key: "t", value: .string(a.time.description)), .init(key: "line", value: a.line.map { .number(Double($0)) } ?? .null),
                                .init(key: "condition", value: .string(a.condition)), .init(key: "passed", value: .bool(a.passed)),
                                .init(key: "actual", value: .string(a.actual))]))
        }))
        o.append("checks", .array(checks.map { c in
            .object(JSONObject([.init(key: "t", value: .string(c.time.description)), .init(key: "routes", value: .array(c.routes.map { r in
                .object(JSONObject([.init(key: "route", value: .string(r.route)), .init(key: "agv", value: .string(r.agv)),
                                    .init(key: "collides", value: .bool(r.collides)), .init(key: "first_contact", value: r.firstContact.map(JSONValue.string) ?? .null),
                                    .init(key: "min_clearance_m", value: r.minimumClearance.map(n) ?? .null),
                                    .init(key: "within_margin", value: .array(r.withinMargin.map(JSONValue.string)))]))
            }))]))
        }))
        o.append("frames", .array(frames.map(JSONValue.string)))
        o.append("events", .array(entries.map { e in
            .object(JSONObject([.init(key: "t", value: .string(e.time.description)), .init(key: "kind", value: .string(e.kind)), .init(key: "text", value: .string(e.text))]))
        }))
        return .object(o)
    }

    /// Markdown for a pull-request comment or a shift log; frame paths relative to `folder`.
    public func markdown(relativeTo folder: String) -> String {
        func relative(_ path: String) -> String { path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path }
        var md = "# Scenario: \(name)\n\n"
        if let description { md += description + "\n\n" }
        let failed = assertions.filter { !$0.passed }.count
        if interrupted { md += "**INTERRUPTED** at \(end): the report holds what was played up to then.\n\n" }
        md += "**\(passed ? "PASSED" : "FAILED")**: \(assertions.count - failed) of \(assertions.count) assertions held. "
        // No wall-clock time here: the same scenario writes the same Markdown.
        md += "Plant \(plant), \(start) to \(end) (\(String(format: "%.0f", simulatedSeconds)) s simulated), \(updatesApplied) updates applied.\n\n"
        if !assertions.isEmpty {
            md += "## Assertions\n\n| time | condition | result | found |\n|---|---|---|---|\n"
            for a in assertions { md += "| \(a.time) | `\(a.condition)` | \(a.passed ? "pass" : "**FAIL**") | \(a.actual) |\n" }
            md += "\n"
        }
        if !checks.isEmpty {
            md += "## Route checks\n\n| time | route | AGV | result | smallest clearance |\n|---|---|---|---|---|\n"
            for c in checks {
                for r in c.routes {
                    let result = r.collides ? "**collides** with \(r.firstContact ?? "?")" : r.withinMargin.isEmpty ? "clear" : "within margin of \(r.withinMargin.joined(separator: ", "))"
                    md += "| \(c.time) | \(r.route) | \(r.agv) | \(result) | \(r.minimumClearance.map { String(format: "%.3f m", $0) } ?? "-") |\n"
                }
            }
            md += "\n"
        }
        if !frames.isEmpty {
            md += "## Frames\n\n" + frames.map { "![\(relative($0))](\(relative($0)))" }.joined(separator: "\n") + "\n\n"
        }
        md += "## Timeline\n\n"
        for e in entries where e.kind != "update" || entries.count < 200 { md += "- \(e.time) \(e.kind): \(e.text)\n" }
        return md
    }
}
