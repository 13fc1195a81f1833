import TwinJSON
import TwinGeometry
import TwinLayout
import TwinState

/// A scripted run of a plant: a timeline of updates, layout edits and AGV drives on a simulated
/// clock, with actions along it — render a frame, check the routes, assert a condition. Read from
/// YAML by ``Scenario/load(path:)``; played by FactoryTwin's `ScenarioPlayer`.
public struct Scenario: Sendable {
    /// The most pixels a scenario frame may have (8192 x 8192).
    public static let maximumFramePixels = 8192 * 8192

    public var name: String
    public var description: String?
    /// The plant file, resolved against the scenario's folder.
    public var plantPath: String
    public var start: Timestamp
    /// Where the clock stops (default: when the last event has happened and every drive arrived).
    public var end: Timestamp?
    /// The simulated clock's step while AGVs drive, seconds.
    public var stepSeconds: Double
    public var events: [Event]
    /// The scenario file.
    public var file: String

    /// What happens at one moment, in the order written.
    public struct Event: Sendable {
        public var time: Timestamp
        public var actions: [Action]
        /// The scenario line that gave it, for reports and errors.
        public var line: Int?
    }

    public enum Action: Sendable {
        case update(Update)
        case drive(Drive)
        case render(Render)
        case check(Check)
        case assert(Condition)
    }

    /// An AGV set driving along a route, an order's nodes or a list of nodes at a speed.
    public struct Drive: Sendable {
        public var agv: String
        /// The route id, or the order's id, or "nodes".
        public var name: String
        public var nodes: [String]
        public var speed: Double
        /// A VDA 5050 order's own network, when the drive comes from an order file.
        public var orderNetwork: AGVNetwork?
    }

    /// A frame to write: `file` may hold `{time}` (HHMMSS of the simulated clock).
    public struct Render: Sendable {
        public var camera: String
        public var file: String
        public var width: Int
        public var height: Int
        public var samples: Int
    }

    /// Routes to check against the layout as it is then (nil: every route), and an optional image.
    public struct Check: Sendable {
        public var routes: [String]?
        public var image: String?
    }
}

/// A condition a scenario asserts.
public enum Condition: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable { case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">" }

    /// `M-012.status == running`, `AGV-01.battery > 20`, `M-012.signals.temp_C < 90`.
    case field(entity: String, field: String, Comparison, String)
    /// No two AGVs driving so far come closer than touching, now or later on their drives.
    case noAGVConflicts
    /// Every route (or the named one) is free of contacts and keeps its margin in the layout now.
    case routesFree([String]?)
    /// The named route collides or comes closer than its margin in the layout now.
    case routeBlocked(String)

    public var description: String {
        switch self {
        case let .field(entity, field, op, value): return "\(entity).\(field) \(op.rawValue) \(value)"
        case .noAGVConflicts: return "no AGV conflicts"
        case .routesFree(nil): return "no route collisions"
        case .routesFree(let ids?): return ids.map { "route \($0) is free" }.joined(separator: " and ")
        case .routeBlocked(let id): return "route \(id) is blocked"
        }
    }

    /// Reads `ENTITY.FIELD OP VALUE`, `no AGV conflicts`, `no route collisions`,
    /// `route ID is free`, `route ID is blocked`; nil (with the reason) otherwise.
    public static func parse(_ text: String) -> Result<Condition, TwinError> {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let lower = words.map { $0.lowercased() }
        if lower == ["no", "agv", "conflicts"] { return .success(.noAGVConflicts) }
        if lower == ["no", "route", "collisions"] { return .success(.routesFree(nil)) }
        if lower.count == 4, lower[0] == "route", lower[2] == "is" {
            if lower[3] == "free" { return .success(.routesFree([words[1]])) }
            if lower[3] == "blocked" { return .success(.routeBlocked(words[1])) }
        }
        for op in Comparison.allCases {
            let parts = text.components(separatedBy: " \(op.rawValue) ")
            guard parts.count == 2 else { continue }
            let lhs = parts[0].trimmingCharacters(in: .whitespaces), rhs = parts[1].trimmingCharacters(in: .whitespaces)
            guard let dot = lhs.firstIndex(of: "."), dot != lhs.startIndex, !rhs.isEmpty else { break }
            let field = String(lhs[lhs.index(after: dot)...])
            guard Self.fields.contains(field) || field.hasPrefix("signals.") || field.hasPrefix("counters.") else {
                return .failure(.scenarioFile(file: nil, line: nil, field: "", message: "unknown field '\(field)' (expected one of: \(fields.joined(separator: ", ")), signals.NAME, counters.NAME)"))
            }
            return .success(.field(entity: String(lhs[..<dot]), field: field, op, rhs))
        }
        return .failure(.scenarioFile(file: nil, line: nil, field: "", message: "cannot read '\(text)' (expected ENTITY.FIELD OP VALUE with OP one of == != < <= > >=, 'no AGV conflicts', 'no route collisions', 'route ID is free' or 'route ID is blocked')"))
    }

    static let fields = ["status", "running", "speed_mps", "battery", "driving", "operating_mode", "last_node", "order", "x", "y", "theta"]

    /// What a field condition's value must be, for an entity of `category`: nil when it can hold
    /// (or fail), else why it never could be judged — a field the entity does not carry, a status
    /// or mode that does not exist, a word compared as a number. `none` stands for "not reported".
    public func problem(for category: EntityCategory) -> String? {
        guard case let .field(id, field, op, value) = self else { return nil }
        enum Kind { case status, bool, number, mode, text, any }
        let kind: Kind, carriedBy: (EntityCategory) -> Bool, carriers: String
        switch field {
        case "status": kind = .status; carriedBy = { $0 != .agv }; carriers = "machines, conveyors, racks and stations"
        case "running": kind = .bool; carriedBy = { $0 == .conveyor }; carriers = "conveyors"
        case "speed_mps": kind = .number; carriedBy = { $0 == .conveyor }; carriers = "conveyors"
        case "battery", "x", "y", "theta": kind = .number; carriedBy = { $0 == .agv }; carriers = "AGVs"
        case "driving": kind = .bool; carriedBy = { $0 == .agv }; carriers = "AGVs"
        case "operating_mode": kind = .mode; carriedBy = { $0 == .agv }; carriers = "AGVs"
        case "last_node", "order": kind = .text; carriedBy = { $0 == .agv }; carriers = "AGVs"
        default:
            if field.hasPrefix("counters.") { kind = .number } else { kind = .any }
            carriedBy = { $0 != .agv }; carriers = "machines, conveyors, racks and stations"
        }
        guard carriedBy(category) else { return "\(category.rawValue) '\(id)' has no field '\(field)' (only \(carriers) do)" }
        let ordering = [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        if value == "none" {
            return ordering ? "'none' (not reported) cannot be compared with \(op.rawValue); use == or !=" : nil
        }
        switch kind {
        case .status:
            if ordering { return "a status is compared with == or !=, not \(op.rawValue)" }
            if MachineStatus(rawValue: value) == nil {
                return "unknown status '\(value)' (expected one of: \(MachineStatus.allCases.map(\.rawValue).joined(separator: ", ")), none)"
            }
        case .mode:
            if ordering { return "an operating mode is compared with == or !=, not \(op.rawValue)" }
            if OperatingMode(rawValue: value) == nil {
                return "unknown operating mode '\(value)' (expected one of: \(OperatingMode.allCases.map(\.rawValue).joined(separator: ", ")), none)"
            }
        case .bool:
            if ordering { return "\(field) is true or false, compared with == or !=, not \(op.rawValue)" }
            if value != "true" && value != "false" { return "\(field) is true or false (or none), found '\(value)'" }
        case .number:
            guard let n = Double(value), n.isFinite else { return "\(field) is a number, found '\(value)'" }
        case .text:
            if ordering { return "\(field) is text, compared with == or !=, not \(op.rawValue)" }
        case .any:
            // A signal may hold a number, a word or a boolean; ordering needs a number.
            if ordering, Double(value) == nil { return "\(op.rawValue) compares numbers, found '\(value)'" }
        }
        return nil
    }

    /// For a field condition: whether it holds in `state`, and the value found.
    public func evaluate(in state: PlantState) -> (holds: Bool, actual: String) {
        guard case let .field(id, field, op, expected) = self else { return (false, "-") }
        guard let record = state.entity(id) else { return (false, "no entity '\(id)'") }
        let s = record.state
        var value: SignalValue?
        switch field {
        case "status": value = s.status.map { .string($0.rawValue) }
        case "running": value = s.running.map { .bool($0) }
        case "speed_mps": value = s.speed.map { .number($0, unit: nil) }
        case "battery": value = s.agv.battery.map { .number($0, unit: nil) }
        case "driving": value = s.agv.driving.map { .bool($0) }
        case "operating_mode": value = s.agv.operatingMode.map { .string($0.rawValue) }
        case "last_node": value = s.agv.lastNode.map { .string($0) }
        case "order": value = s.agv.order.map { .string($0) }
        case "x": value = s.agv.pose.map { .number($0.x, unit: nil) }
        case "y": value = s.agv.pose.map { .number($0.y, unit: nil) }
        case "theta": value = s.agv.pose.map { .number($0.theta, unit: nil) }
        default:
            if field.hasPrefix("signals.") { value = s.signals[String(field.dropFirst(8))] }
            if field.hasPrefix("counters.") { value = s.counters[String(field.dropFirst(9))].map { .number(Double($0), unit: nil) } }
        }
        guard let value else { return (op == .notEqual && expected != "none" ? true : expected == "none" && op == .equal, "none") }
        let actualText: String
        switch value {
        case let .number(n, unit): actualText = JSONWriter.number(n) + (unit.map { " \($0)" } ?? "")
        case .string(let t): actualText = t
        case .bool(let b): actualText = b ? "true" : "false"
        }
        if let a = value.numberValue, case .number = value, let b = Double(expected) {
            let holds: Bool
            switch op {
            case .equal: holds = a == b
            case .notEqual: holds = a != b
            case .less: holds = a < b
            case .lessOrEqual: holds = a <= b
            case .greater: holds = a > b
            case .greaterOrEqual: holds = a >= b
            }
            return (holds, actualText)
        }
        let plain: String
        switch value {
        case .string(let t): plain = t
        case .bool(let b): plain = b ? "true" : "false"
        case .number(let n, _): plain = JSONWriter.number(n)
        }
        switch op {
        case .equal: return (plain == expected, actualText)
        case .notEqual: return (plain != expected, actualText)
        default: return (false, actualText + " (not a number)")
        }
    }
}
