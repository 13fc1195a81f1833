import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState

extension MachineStatus {
    /// The default color (sRGB, 0...1) a machine in this state is drawn in, whole (the light
    /// shades it). One palette with the overlays: a hue per status (red fault, orange blocked,
    /// yellow starved, green running, teal idle, blue maintenance, charcoal offline), none of them
    /// used by a zone, the network or a label plate, and none near ``MachineStatus/neutralColor``.
    public var defaultColor: SIMD3<Float> {
        switch self {
        case .running: return SIMD3(0.16, 0.62, 0.26)
        case .idle: return SIMD3(0.22, 0.66, 0.66)
        case .blocked: return SIMD3(0.96, 0.50, 0.04)
        case .starved: return SIMD3(0.95, 0.84, 0.14)
        case .fault: return SIMD3(0.86, 0.09, 0.09)
        case .maintenance: return SIMD3(0.16, 0.33, 0.86)
        case .offline: return SIMD3(0.20, 0.21, 0.23)
        }
    }

    /// Machines, conveyors, racks and stations without a status, where a view shows statuses:
    /// a light grey without hue, so that no model color passes for a status.
    public static let neutralColor = SIMD3<Float>(0.78, 0.78, 0.76)

    /// The categories that carry a status.
    public static let statusCategories: Set<EntityCategory> = [.machine, .conveyor, .rack, .station]
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
