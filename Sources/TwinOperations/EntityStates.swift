import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState

extension MachineStatus {
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

/// What a snapshot shows of a state: each entity's status, each AGV's pose, and the moment.
/// Made from a ``PlantState`` (the twin's state at a time) or given directly.
public struct EntityStates: Sendable, Equatable {
    public var time: String?
    /// Machine, conveyor, rack or station states by entity id.
    public var statuses: [String: MachineStatus] = [:]
    /// AGV poses on the floor by entity id.
    public var poses: [String: Pose2D] = [:]

    public init(time: String? = nil, statuses: [String: MachineStatus] = [:], poses: [String: Pose2D] = [:]) {
        self.time = time; self.statuses = statuses; self.poses = poses
    }

    /// What a state shows: statuses of the entities not removed, the poses AGVs reported.
    public init(_ state: PlantState) {
        time = state.time?.description
        for record in state.entities where !record.removed {
            if let status = record.state.status { statuses[record.id] = status }
            if record.category == .agv, let pose = record.state.agv.pose { poses[record.id] = pose }
        }
    }
}

extension PlantState {
    /// Reads a state document (what `twin state --json` writes) onto the plant's fresh state.
    /// Errors are one line: the file, the field, what is wrong.
    public static func load(documentAt path: String, plant: Plant) throws(StateError) -> PlantState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateError(file: path, field: "", message: "file not found")
        }
        let document: JSONValue
        do {
            document = try data.withUnsafeBytes { raw throws(JSONError) in try JSONParser.parse(raw.bindMemory(to: UInt8.self)) }
        } catch {
            throw StateError(file: path, field: "", message: "not valid JSON: \(error)")
        }
        var state = PlantState(plant: plant)
        try state.restore(document, file: path)
        return state
    }
}
