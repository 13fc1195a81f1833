import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState

extension MachineStatus {
    /// The default color (sRGB, 0...1) a machine in this state is drawn in, whole (the light
    /// shades it). One palette with the overlays: a hue per status (red fault, orange blocked,
    /// yellow starved, green running, teal idle, blue maintenance, lime setup, charcoal offline), none of them
    /// used by a zone, the network or a label plate, and none near ``MachineStatus/neutralColor``.
    public var defaultColor: SIMD3<Float> {
        switch self {
        case .running: return SIMD3(0.16, 0.62, 0.26)
        case .idle: return SIMD3(0.22, 0.66, 0.66)
        case .blocked: return SIMD3(0.96, 0.50, 0.04)
        case .starved: return SIMD3(0.95, 0.84, 0.14)
        case .fault: return SIMD3(0.86, 0.09, 0.09)
        case .maintenance: return SIMD3(0.16, 0.33, 0.86)
        case .setup: return SIMD3(0.45, 0.75, 0.10)
        case .offline: return SIMD3(0.20, 0.21, 0.23)
        }
    }

    /// Machines, conveyors, racks and stations without a status, where a view shows statuses:
    /// a light grey without hue, so that no model color passes for a status.
    public static let neutralColor = SIMD3<Float>(0.78, 0.78, 0.76)

    /// Entities whose data is not live (offline, or silent too long): a greyed violet, so that
    /// a stale status is never drawn as if it held.
    public static let noDataColor = SIMD3<Float>(0.55, 0.50, 0.68)

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
    /// Entities that reported once but whose data is not live now (offline, or silent too long):
    /// drawn as "no data", their last status not shown.
    public var noData: Set<String> = []

    public init(time: String? = nil, statuses: [String: MachineStatus] = [:], poses: [String: Pose2D] = [:], noData: Set<String> = []) {
        self.time = time; self.statuses = statuses; self.poses = poses; self.noData = noData
    }

    /// What a state shows: statuses of the entities not removed, the poses AGVs reported; an
    /// entity whose data is not live at the state's clock (`noDataAfter`: the plant's
    /// `sync.no_data_after_s`) shows "no data" instead of its last status.
    public init(_ state: PlantState, noDataAfter: Double? = nil) {
        time = state.time?.description
        for record in state.entities where !record.removed {
            switch record.state.data(at: state.time, noDataAfter: noDataAfter) {
            case .offline, .silent:
                if record.category != .agv { noData.insert(record.id) }
            case .live, .none:
                if let status = record.state.status { statuses[record.id] = status }
            }
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
