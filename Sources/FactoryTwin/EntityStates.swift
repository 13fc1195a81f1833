import Foundation
import TwinGeometry
import TwinLayout

/// What a machine is doing.
public enum MachineStatus: String, Sendable, CaseIterable, Codable {
    case running, idle, blocked, starved, fault, maintenance, offline

    /// The default color (sRGB, 0...1) a machine in this state is tinted with.
    public var defaultColor: SIMD3<Float> {
        switch self {
        case .running: return SIMD3(0.18, 0.62, 0.27)
        case .idle: return SIMD3(0.62, 0.63, 0.65)
        case .blocked: return SIMD3(0.96, 0.62, 0.04)
        case .starved: return SIMD3(0.93, 0.82, 0.18)
        case .fault: return SIMD3(0.86, 0.12, 0.10)
        case .maintenance: return SIMD3(0.15, 0.38, 0.86)
        case .offline: return SIMD3(0.22, 0.23, 0.25)
        }
    }
}

/// The states of a plant's entities at one moment, as a `--state` JSON file gives them, until the
/// twin's state model supplies them:
///
/// ```json
/// {"time": "2026-05-04T08:15:00Z",
///  "entities": {"M-012": {"status": "fault"}, "AGV-02": {"x": 40.5, "y": 8, "theta": 0}}}
/// ```
public struct EntityStates: Sendable, Equatable {
    public var time: String?
    /// Machine, conveyor, rack or station states by entity id.
    public var statuses: [String: MachineStatus] = [:]
    /// AGV poses on the floor by entity id.
    public var poses: [String: Pose2D] = [:]

    public init(time: String? = nil, statuses: [String: MachineStatus] = [:], poses: [String: Pose2D] = [:]) {
        self.time = time; self.statuses = statuses; self.poses = poses
    }

    /// Why a state file cannot be used.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var field: String
        public var message: String
        public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
    }

    /// Reads and checks a state file against the plant's entities.
    public static func load(path: String, plant: Plant) throws(Problem) -> EntityStates {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(file: path, field: "", message: "file not found")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(file: path, field: "", message: "not valid JSON: \((error as NSError).localizedDescription)")
        }
        return try parse(object, file: path, plant: plant)
    }

    static func parse(_ object: Any, file: String, plant: Plant) throws(Problem) -> EntityStates {
        func fail(_ field: String, _ message: String) -> Problem { Problem(file: file, field: field, message: message) }
        guard let top = object as? [String: Any] else { throw fail("", "expected a JSON object") }
        for key in top.keys where !["time", "entities"].contains(key) {
            throw fail(key, "unknown field (expected time, entities)")
        }
        var states = EntityStates()
        if let time = top["time"] {
            guard let text = time as? String, ISO8601DateFormatter().date(from: text) != nil else {
                throw fail("time", "expected an ISO 8601 time such as 2026-05-04T08:15:00Z")
            }
            states.time = text
        }
        guard let entities = top["entities"] as? [String: Any] else { throw fail("entities", "expected an object of entity states") }
        let known = Dictionary(plant.entities.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (id, value) in entities.sorted(by: { $0.key < $1.key }) {
            let field = "entities.\(id)"
            guard let entity = known[id] else { throw fail(field, "unknown entity") }
            guard let state = value as? [String: Any] else { throw fail(field, "expected an object") }
            for key in state.keys where !["status", "x", "y", "theta"].contains(key) {
                throw fail("\(field).\(key)", "unknown field (expected status, x, y, theta)")
            }
            if let status = state["status"] {
                guard let text = status as? String, let parsed = MachineStatus(rawValue: text) else {
                    throw fail("\(field).status", "unknown status '\(status)' (expected one of: \(MachineStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                states.statuses[id] = parsed
            }
            let hasPose = state["x"] != nil || state["y"] != nil || state["theta"] != nil
            if hasPose {
                guard entity.category == .agv else { throw fail(field, "only AGVs have a pose") }
                func number(_ key: String, default value: Double? = nil) throws(Problem) -> Double {
                    guard let raw = state[key] else {
                        if let value { return value }
                        throw fail("\(field).\(key)", "missing (a pose needs x and y)")
                    }
                    // JSON's true and false arrive as numbers of Objective-C type "c": not numbers here.
                    guard let n = raw as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
                        throw fail("\(field).\(key)", "expected a finite number")
                    }
                    return n.doubleValue
                }
                states.poses[id] = Pose2D(x: try number("x"), y: try number("y"), theta: try number("theta", default: 0))
            }
        }
        return states
    }
}
