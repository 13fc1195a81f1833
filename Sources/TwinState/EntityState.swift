import TwinGeometry

/// What a machine, conveyor, rack or station is doing: its primary status. `setup` is a
/// changeover between products (tooling, first-part checks); the others as their names say.
/// Why it is in that status, and any further conditions (a faulted machine that is also
/// starved), travel beside it as ``EntityState/statusReasons``.
public enum MachineStatus: String, Sendable, CaseIterable, Codable {
    case running, idle, blocked, starved, fault, maintenance, setup, offline
}

/// Why a machine is in its status: the words the twin knows, and which stops they make planned.
///
/// A status may carry reasons (`"reasons": ["break"]`): the first says why the machine is in its
/// primary status, the others add conditions (a status name, as `starved` beside a `fault`) or a
/// source's own codes (`E-1203`). A stop is *planned* (ISO 22400-2 planned downtime: it does not
/// count against availability) when the machine is idle, in maintenance, in setup or offline and
/// its first reason is `break`, `no_order` or `planned`; every other stop is unplanned, among
/// them `waiting_material` and `repair`.
public enum StatusReason {
    /// The reasons that make an idle, maintenance, setup or offline stop planned.
    public static let planned: Set<String> = ["break", "no_order", "planned"]
    /// The reasons the twin names in its documentation (others are accepted as codes).
    public static let known: [String: String] = [
        "break": "a planned break (idle)", "no_order": "nothing to make (idle)", "planned": "planned (maintenance, setup, idle)",
        "waiting_material": "waiting for material (idle; unplanned)", "repair": "repair after a failure (maintenance; unplanned)",
    ]
    /// At most this many reasons per status, each at most ``maximumLength`` characters.
    public static let maximumCount = 8
    public static let maximumLength = 64
}

/// Whether a machine that does not produce was planned not to.
public enum StopKind: String, Sendable {
    case planned, unplanned
}

/// A counter's resets: how many times its source counted from zero again (a PLC restart), and
/// the sum of the values it had reached before each, so that its total counts on across them.
public struct CounterResets: Sendable, Equatable {
    public var count: Int
    /// The values reached before each reset, summed.
    public var carried: Int64
    public init(count: Int = 0, carried: Int64 = 0) { self.count = count; self.carried = carried }
}

/// A named signal's value: a number with its unit, a string or a boolean.
public enum SignalValue: Sendable, Equatable {
    case number(Double, unit: String?)
    case string(String)
    case bool(Bool)

    /// The value as a number where it is one (booleans count as 0 and 1 in comparisons).
    public var numberValue: Double? {
        switch self {
        case .number(let v, _): return v
        case .bool(let b): return b ? 1 : 0
        case .string: return nil
        }
    }
}

/// VDA 5050's operating modes (2.x; 3.0 adds STARTUP and INTERVENED and spells TEACH_IN, read as
/// TEACHIN).
public enum OperatingMode: String, Sendable, CaseIterable {
    case automatic = "AUTOMATIC", semiautomatic = "SEMIAUTOMATIC", manual = "MANUAL", service = "SERVICE", teachIn = "TEACHIN"
    case startup = "STARTUP", intervened = "INTERVENED"

    /// A mode as VDA 5050 2.x or 3.0 writes it.
    public init?(vda5050 text: String) {
        if text == "TEACH_IN" { self = .teachIn } else { self.init(rawValue: text) }
    }
}

/// A load an AGV carries (VDA 5050 `loads[]`).
public struct AGVLoad: Sendable, Equatable {
    public var id: String?
    public var type: String?
    public var weightKilograms: Double?
    public init(id: String? = nil, type: String? = nil, weightKilograms: Double? = nil) {
        self.id = id; self.type = type; self.weightKilograms = weightKilograms
    }
}

/// An error an AGV reports (VDA 5050 `errors[]`).
public struct AGVError: Sendable, Equatable {
    /// 2.x has WARNING and FATAL; 3.0 adds URGENT and CRITICAL.
    public enum Level: String, Sendable, CaseIterable { case warning = "WARNING", fatal = "FATAL", urgent = "URGENT", critical = "CRITICAL" }
    public var type: String
    public var level: Level
    public var description: String?
    public init(type: String, level: Level, description: String? = nil) {
        self.type = type; self.level = level; self.description = description
    }
}

/// A zone request of a VDA 5050 3.0 vehicle (`zoneRequests[]`): access to, or replanning around,
/// one zone of a zone set, and where the request stands.
public struct AGVZoneRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case access = "ACCESS", replanning = "REPLANNING" }
    public enum Status: String, Sendable, CaseIterable { case requested = "REQUESTED", granted = "GRANTED", revoked = "REVOKED", expired = "EXPIRED" }
    public var zoneSet: String
    public var zone: String
    public var kind: Kind
    public var status: Status
    public init(zoneSet: String, zone: String, kind: Kind, status: Status) {
        self.zoneSet = zoneSet; self.zone = zone; self.kind = kind; self.status = status
    }
}

/// The VDA 5050 state fields of an AGV that the twin follows. Nil: never reported.
public struct AGVState: Sendable, Equatable {
    /// Where it stands on the floor (x, y in meters, theta in radians).
    public var pose: Pose2D?
    /// Velocity in its own frame: vx, vy (m/s), omega (rad/s).
    public var velocity: SIMD3<Double>?
    public var driving: Bool?
    /// Battery charge, percent.
    public var battery: Double?
    public var operatingMode: OperatingMode?
    public var loads: [AGVLoad] = []
    public var errors: [AGVError] = []
    public var lastNode: String?
    public var order: String?
    /// VDA 5050 3.0: the zone sets the vehicle has enabled (one per map), and its zone requests.
    public var zoneSets: [String] = []
    public var zoneRequests: [AGVZoneRequest] = []
    public init() {}
}

/// The live state of one entity. Which fields apply depends on its category: status, signals and
/// counters for machines and other equipment; running and speed for conveyors; the AGV fields for
/// AGVs. The update parser keeps each field to the categories it applies to.
public struct EntityState: Sendable, Equatable {
    public var status: MachineStatus?
    /// When the status last changed.
    public var statusSince: Timestamp?
    /// Why it is in that status, and further conditions (``StatusReason``); set with the status.
    public var statusReasons: [String] = []
    /// Named signals: temperatures, pressures, program names, door switches.
    public var signals: [String: SignalValue] = [:]
    /// Part counters (good, scrap, cycles) as their source counts them now.
    public var counters: [String: Int64] = [:]
    /// The counters that were reset (a value below the one before it), by name; see ``total(ofCounter:)``.
    public var counterResets: [String: CounterResets] = [:]
    /// Conveyors: whether the belt runs, and how fast (m/s).
    public var running: Bool?
    public var speed: Double?
    public var agv = AGVState()
    /// The connection of its data source, as VDA 5050 names it: ONLINE, OFFLINE or
    /// CONNECTIONBROKEN (2.x); HIBERNATING or CONNECTION_BROKEN (3.0); as the vehicle, the
    /// machine's gateway or its MQTT last will sent it. Nil: never said.
    public var connection: String?
    /// When the connection report in force was made.
    public var connectionSince: Timestamp?
    /// The time of the last update that touched this entity (the latest, by event time).
    public var updated: Timestamp?
    /// When each field was last set, by event time: what places an update that arrives late.
    var clock = FieldClock()

    public init() {}

    /// Equal values (when each field was set is bookkeeping, not state).
    public static func == (a: EntityState, b: EntityState) -> Bool {
        a.status == b.status && a.statusSince == b.statusSince && a.statusReasons == b.statusReasons && a.signals == b.signals
            && a.counters == b.counters && a.counterResets == b.counterResets
            && a.running == b.running && a.speed == b.speed && a.agv == b.agv && a.updated == b.updated
            && a.connection == b.connection && a.connectionSince == b.connectionSince
    }
}

extension EntityState {
    /// A counter's count since it was first reported, across resets: the values reached before
    /// each reset plus its value now. Nil when it was never reported.
    public func total(ofCounter name: String) -> Int64? {
        guard let value = counters[name] else { return nil }
        return (counterResets[name]?.carried ?? 0) &+ value
    }

    /// Whether the machine's stop is planned (``StatusReason``); nil while it runs or has no status.
    public var stop: StopKind? {
        guard let status, status != .running else { return nil }
        switch status {
        case .idle, .maintenance, .setup, .offline:
            return statusReasons.first.map { StatusReason.planned.contains($0) } == true ? .planned : .unplanned
        default:
            return .unplanned
        }
    }
}

/// Whether an entity's data can be believed at a moment: its source is connected and has
/// spoken recently enough. A status that is not live is not shown as if it were.
public enum DataState: Sendable, Equatable {
    /// Reported, connected, and not silent for longer than the plant allows.
    case live
    /// Never reported anything.
    case none
    /// Its source said it is gone (OFFLINE, a broken connection or its last will, HIBERNATING).
    case offline(since: Timestamp?)
    /// Silent for longer than the plant's `no_data_after_s`, since its last update.
    case silent(since: Timestamp)

    /// Values of a `connection` that mean no data comes.
    public static let offlineConnections: Set<String> = ["OFFLINE", "CONNECTIONBROKEN", "CONNECTION_BROKEN", "HIBERNATING"]

    /// "no data since 2026-05-04T06:10:00Z (offline)", or nil when live.
    public var text: String? {
        switch self {
        case .live: return nil
        case .none: return "no data"
        case .offline(let since): return since.map { "no data since \($0) (offline)" } ?? "no data (offline)"
        case .silent(let since): return "no data since \(since) (silent)"
        }
    }
}

extension EntityState {
    /// Whether this entity's data is live at `now` (the plant clock, or the moment asked),
    /// where `noDataAfter` seconds of silence (nil: never) make its data stale.
    public func data(at now: Timestamp?, noDataAfter: Double?) -> DataState {
        if let connection, DataState.offlineConnections.contains(connection) { return .offline(since: connectionSince) }
        guard let updated else { return .none }
        if let limit = noDataAfter, let now, Double(now.milliseconds - updated.milliseconds) / 1000 > limit { return .silent(since: updated) }
        return .live
    }
}

/// When each field of an entity was last set (milliseconds of event time; `.min`: not since the
/// state's ``PlantState`` `knownSince`), so that an update arriving late changes only the fields
/// no later update has set, exactly as if it had arrived in time order.
struct FieldClock: Sendable, Equatable {
    /// The fields with one value each (conveyor and AGV fields), by ``Slot``.
    var slots: [Int64] = []
    enum Slot: Int, CaseIterable {
        case running, speed, pose, velocity, driving, battery, operatingMode, loads, errors, lastNode, order, connection, zoneSets, zoneRequests, statusReasons
    }
    var signals: [String: Int64] = [:]
    /// Per counter: when it was last set and incremented, and its recent reports.
    var counters: [String: CounterClock] = [:]
    /// The status: the time of its latest report; of the last report before the current run of
    /// equal reports (a different status); the reports of the current run (the latest
    /// ``runCapacity``, sorted); and the latest report of the run dropped from that list.
    var status: Int64 = .min
    var statusBefore: Int64 = .min
    var statusRun: [Int64] = []
    var statusRunDropped: Int64 = .min
    static let runCapacity = 64

    @inline(__always) func slot(_ s: Slot) -> Int64 { slots.isEmpty ? .min : slots[s.rawValue] }
    @inline(__always) mutating func set(_ s: Slot, _ t: Int64) {
        if slots.isEmpty { slots = [Int64](repeating: .min, count: Slot.allCases.count) }
        slots[s.rawValue] = t
    }
}

/// When a counter was set and incremented, and the absolute reports that place a late one
/// exactly: a reset is a report below the value before it, so a report placed between two kept
/// ones changes the resets by what it is next to, and only that.
struct CounterClock: Sendable, Equatable {
    /// The time of its last absolute value (a report or a correction).
    var absolute: Int64 = .min
    /// The latest increment after that value.
    var increment: Int64 = .min
    /// The latest absolute reports (time, value), oldest first, at least ``capacity`` of them
    /// (when there were that many) and fewer than twice that, each the value right after the one
    /// before it (no increment or correction between them).
    var reports: [SIMD2<Int64>] = []
    /// Reports at or before this time are not in ``reports`` (trimmed, or cut by an increment or
    /// a correction); `.min`: every report since the counter was first set is there.
    var cut: Int64 = .min
    static let capacity = 16

    /// An increment or a correction at `t`: the reports before it no longer follow one another,
    /// and a report placed before `t` would not know the value before it.
    mutating func cutReports(at t: Int64) {
        cut = max(cut, reports.last?.x ?? .min, t)
        reports.removeAll(keepingCapacity: true)
    }
}

extension CounterResets {
    /// One more reset, after the counter had reached `value`.
    mutating func add(_ value: Int64) { count += 1; carried &+= value }
}