import TwinJSON
import Foundation
import TwinGeometry
import TwinState

/// The outcome of `twin validate`: what changed, what breaks a rule, and what was looked at.
public struct ValidationReport: Sendable {
    public var base: String?
    public var new: String
    /// "full" (every rule everywhere) or "changes" (what the change touches).
    public var mode: String
    public var diff: LayoutDiff?
    public var violations: [Violation]
    public var coverage: Validator.Coverage
    public var seconds: Double
    /// What could not be checked, and why: said, but no reason to fail.
    public var warnings: [Validator.Warning]
    /// One move per part that fixes all of its violations at once, where it has several.
    public var combinedFixes: [Validator.CombinedFix]

    public init(base: String?, new: String, mode: String, diff: LayoutDiff?, violations: [Violation], coverage: Validator.Coverage,
                seconds: Double, warnings: [Validator.Warning] = [], combinedFixes: [Validator.CombinedFix] = []) {
        self.base = base; self.new = new; self.mode = mode; self.diff = diff; self.violations = violations
        self.coverage = coverage; self.seconds = seconds; self.warnings = warnings; self.combinedFixes = combinedFixes
    }

    public var passed: Bool { violations.isEmpty }

    static func n(_ v: Double) -> JSONValue { .number((v * 10_000).rounded() / 10_000) }

    public func json() -> JSONValue {
        var o = JSONObject()
        if let base { o.append("base", .string(base)) }
        o.append("new", .string(new))
        o.append("mode", .string(mode))
        o.append("passed", .bool(passed))
        if let d = diff {
            func list(_ ids: [String]) -> JSONValue { .array(ids.map(JSONValue.string)) }
            var c = JSONObject()
            c.append("added", list(d.added))
            c.append("removed", list(d.removed))
            c.append("moved", .array(d.moved.map { m in
                .object(JSONObject([.init(key: "id", value: .string(m.id)), .init(key: "dx", value: Self.n(m.dx)), .init(key: "dy", value: Self.n(m.dy)),
                                    .init(key: "dtheta_deg", value: Self.n(m.dthetaDegrees))]))
            }))
            c.append("resized", .array(d.resized.map { .object(JSONObject([.init(key: "id", value: .string($0.id)), .init(key: "what", value: .string($0.what))])) }))
            c.append("remodeled", .array(d.remodeled.map { .object(JSONObject([.init(key: "id", value: .string($0.id)), .init(key: "what", value: .string($0.what))])) }))
            c.append("network", .object(JSONObject([
                .init(key: "nodes_added", value: list(d.nodesAdded)), .init(key: "nodes_removed", value: list(d.nodesRemoved)),
                .init(key: "nodes_changed", value: list(d.nodesChanged)), .init(key: "edges_added", value: list(d.edgesAdded)),
                .init(key: "edges_removed", value: list(d.edgesRemoved)), .init(key: "edges_changed", value: list(d.edgesChanged)),
            ])))
            c.append("zones", .object(JSONObject([.init(key: "added", value: list(d.zonesAdded)), .init(key: "removed", value: list(d.zonesRemoved)),
                                                  .init(key: "changed", value: list(d.zonesChanged))])))
            o.append("changes", .object(c))
        }
        o.append("violations", .array(violations.map { v in
            var j = JSONObject([.init(key: "rule", value: .string(v.rule.rawValue)), .init(key: "entities", value: .array(v.entities.map(JSONValue.string)))])
            j.append("measured_m", v.measured.map(Self.n) ?? .null)
            j.append("required_m", v.required.map(Self.n) ?? .null)
            j.append("x", v.place.map { Self.n($0.x) } ?? .null)
            j.append("y", v.place.map { Self.n($0.y) } ?? .null)
            j.append("message", .string(v.message))
            j.append("fix", v.fix.map(JSONValue.string) ?? .null)
            return .object(j)
        }))
        o.append("combined_fixes", .array(combinedFixes.map { f in
            .object(JSONObject([.init(key: "entity", value: .string(f.entity)), .init(key: "fix", value: .string(f.move)),
                                .init(key: "violations", value: .number(Double(f.violations)))]))
        }))
        o.append("warnings", .array(warnings.map { w in
            var j = JSONObject()
            j.append("entities", .array(w.entities.map(JSONValue.string)))
            j.append("x", w.place.map { Self.n($0.x) } ?? .null)
            j.append("y", w.place.map { Self.n($0.y) } ?? .null)
            j.append("message", .string(w.message))
            return .object(j)
        }))
        o.append("checked", .object(JSONObject([
            .init(key: "part_pairs", value: .number(Double(coverage.partPairs))), .init(key: "wall_pairs", value: .number(Double(coverage.wallPairs))),
            .init(key: "building_tests", value: .number(Double(coverage.buildingTests))),
            .init(key: "safety_zones", value: .number(Double(coverage.safetyZones))),
            .init(key: "zone_tests", value: .number(Double(coverage.zoneTests))), .init(key: "routes", value: .number(Double(coverage.routes))),
            .init(key: "aisle_samples", value: .number(Double(coverage.aisleSamples))), .init(key: "stations", value: .number(Double(coverage.stations))),
            .init(key: "parts_built", value: .number(Double(coverage.partsBuilt))),
            .init(key: "doors", value: .number(Double(coverage.doors))),
            .init(key: "escape_workplaces", value: .number(Double(coverage.escapeWorkplaces))),
            .init(key: "overhead_tests", value: .number(Double(coverage.overheadTests))),
            .init(key: "service_areas", value: .number(Double(coverage.serviceAreas))),
            .init(key: "forklift_racks", value: .number(Double(coverage.forkliftRacks))),
            .init(key: "flow_links", value: .number(Double(coverage.flowLinks))),
        ])))
        o.append("seconds", Self.n(seconds))
        return .object(o)
    }

    /// Markdown for a pull-request comment.
    public func markdown(image: String? = nil) -> String {
        var md = "## Layout check: \(passed ? "passed" : "**\(violations.count) violation\(violations.count == 1 ? "" : "s")**")\n\n"
        md += base.map { "`\($0)` → `\(new)`" } ?? "`\(new)`"
        md += mode == "changes" ? " (checked what the change touches)\n\n" : " (every rule, everywhere)\n\n"
        if let d = diff {
            var lines: [String] = []
            for m in d.moved {
                lines.append(String(format: "- moved **%@** by dx %+.2f m, dy %+.2f m%@", m.id, m.dx, m.dy,
                                    abs(m.dthetaDegrees) > 0.01 ? String(format: ", %+.1f°", m.dthetaDegrees) : ""))
            }
            lines += d.added.map { "- added **\($0)**" }
            lines += d.removed.map { "- removed **\($0)**" }
            lines += d.resized.map { "- resized **\($0.id)**: \($0.what)" }
            lines += d.remodeled.map { "- new model for **\($0.id)**: \($0.what)" }
            if d.networkChanged {
                var parts: [String] = []
                if !d.nodesAdded.isEmpty { parts.append("nodes added \(d.nodesAdded.joined(separator: ", "))") }
                if !d.nodesRemoved.isEmpty { parts.append("nodes removed \(d.nodesRemoved.joined(separator: ", "))") }
                if !d.nodesChanged.isEmpty { parts.append("nodes moved \(d.nodesChanged.joined(separator: ", "))") }
                if !d.edgesAdded.isEmpty { parts.append("edges added \(d.edgesAdded.joined(separator: ", "))") }
                if !d.edgesRemoved.isEmpty { parts.append("edges removed \(d.edgesRemoved.joined(separator: ", "))") }
                if !d.edgesChanged.isEmpty { parts.append("edges changed \(d.edgesChanged.joined(separator: ", "))") }
                lines.append("- network: " + parts.joined(separator: "; "))
            }
            let zones = d.zonesAdded.map { "\($0) added" } + d.zonesRemoved.map { "\($0) removed" } + d.zonesChanged.map { "\($0) changed" }
            if !zones.isEmpty { lines.append("- zones: " + zones.joined(separator: ", ")) }
            md += "### Changes\n\n" + (lines.isEmpty ? "- none\n" : lines.joined(separator: "\n") + "\n") + "\n"
        }
        if !violations.isEmpty {
            md += "### Violations\n\n| rule | entities | measured | required | where | | smallest fix |\n|---|---|---|---|---|---|---|\n"
            for v in violations {
                md += "| \(v.rule.rawValue) | \(v.entities.joined(separator: ", ")) | \(v.measured.map { String(format: "%.3f m", $0) } ?? "-") | "
                md += "\(v.required.map { String(format: "%.2f m", $0) } ?? "-") | \(v.place.map { String(format: "(%.1f, %.1f)", $0.x, $0.y) } ?? "-") | \(v.message) | \(v.fix ?? "-") |\n"
            }
            if !combinedFixes.isEmpty {
                md += "\n" + combinedFixes.map { "One move for all of **\($0.entity)**'s \($0.violations) violations: \($0.move)." }.joined(separator: "\n") + "\n"
            }
            md += "\n"
        }
        if !warnings.isEmpty {
            md += "### Warnings\n\n" + warnings.map { "- \($0.message)" }.joined(separator: "\n") + "\n\n"
        }
        md += "Checked: \(coverage.partPairs) part pairs, \(coverage.wallPairs) machine-wall pairs, \(coverage.buildingTests) parts against the building, \(coverage.zoneTests) zone tests, \(coverage.safetyZones) safety zones, "
        md += "\(coverage.routes) routes, \(coverage.aisleSamples) aisle samples, \(coverage.stations) stations"
        md += (coverage.practiceSummary.isEmpty ? "" : ", " + coverage.practiceSummary) + ".\n"
        if let image { md += "\n![Layout check](\(image))\n" }
        return md
    }
}
