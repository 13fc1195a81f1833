import TwinGeometry
import TwinLayout

/// One change to the twin at a moment: new values for an entity's state, or an edit of the layout.
/// Updates are applied in order; each that is applied gets the next sequence number.
///
/// As a line of JSON (see ``UpdateParser``):
/// ```json
/// {"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault","signals":{"spindle_temp_C":81.5}}}
/// {"t":"2026-05-04T08:01:00Z","edit":"move","entity":"M-012","dx":1.5}
/// ```
public struct Update: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// New values for some of an entity's fields.
        case set(entity: String, changes: [Change])
        /// A change of the layout: entities moved, added, removed; network nodes and edges.
        case edit(LayoutEdit)
    }

    /// When it happened, in plant time.
    public var time: Timestamp
    public var action: Action

    public init(time: Timestamp, action: Action) { self.time = time; self.action = action }

    /// The entity it concerns, if any.
    public var entity: String? {
        switch action {
        case .set(let id, _): return id
        case .edit(let edit): return edit.entity
        }
    }
}

/// One field of an entity's state set to a value.
public enum Change: Sendable, Equatable {
    case status(MachineStatus)
    case signal(String, SignalValue)
    case counter(String, Int64)
    /// Adds to a counter (`"add": {"counters": {"good": 1}}`).
    case counterIncrement(String, Int64)
    case running(Bool)
    case speed(Double)
    case pose(Pose2D)
    case velocity(SIMD3<Double>)
    case driving(Bool)
    case battery(Double)
    case operatingMode(OperatingMode)
    case loads([AGVLoad])
    case errors([AGVError])
    case lastNode(String?)
    case order(String?)
    case connection(String)
    /// Only in state documents: when the connection report in force was made.
    case connectionSince(Timestamp)
    /// VDA 5050 3.0: the enabled zone sets and the zone requests.
    case zoneSets([String])
    case zoneRequests([AGVZoneRequest])
    /// Only in state documents: when the status last changed.
    case statusSince(Timestamp)
    /// Why the machine is in its status, and further conditions (``StatusReason``); an update
    /// that sets a status without reasons clears them.
    case statusReasons([String])
    /// Sets a counter to a value without taking a lower one for a reset (`"fix": {"counters":
    /// {"good": 118}}`: a correction; state documents restore counters this way).
    case counterCorrection(String, Int64)
    /// Only in state documents: a counter's resets so far.
    case counterResets(String, CounterResets)

    /// The update field it comes from, for error messages.
    public var field: String {
        switch self {
        case .status: return "set.status"
        case .signal(let name, _): return "set.signals.\(name)"
        case .counter(let name, _): return "set.counters.\(name)"
        case .counterIncrement(let name, _): return "add.counters.\(name)"
        case .running: return "set.running"
        case .speed: return "set.speed_mps"
        case .pose: return "set.pose"
        case .velocity: return "set.velocity"
        case .driving: return "set.driving"
        case .battery: return "set.battery"
        case .operatingMode: return "set.operating_mode"
        case .loads: return "set.loads"
        case .errors: return "set.errors"
        case .lastNode: return "set.last_node"
        case .order: return "set.order"
        case .connection: return "set.connection"
        case .zoneSets: return "set.zone_sets"
        case .zoneRequests: return "set.zone_requests"
        case .statusSince: return "set.status_since"
        case .connectionSince: return "set.connection_since"
        case .statusReasons: return "set.reasons"
        case .counterCorrection(let name, _): return "fix.counters.\(name)"
        case .counterResets(let name, _): return "set.counter_resets.\(name)"
        }
    }

    /// The categories whose entities carry this field.
    func applies(to category: EntityCategory) -> Bool {
        switch self {
        case .status, .signal, .counter, .counterIncrement, .statusSince, .statusReasons, .counterCorrection, .counterResets: return category != .agv
        case .connection, .connectionSince: return true
        case .running, .speed: return category == .conveyor
        case .pose, .velocity, .driving, .battery, .operatingMode, .loads, .errors, .lastNode, .order, .zoneSets, .zoneRequests:
            return category == .agv
        }
    }
}

/// A change of the layout. Moves and turns keep the entity's height; added entities copy the look
/// of an existing one (`like`) or stand as a box of a given size.
public enum LayoutEdit: Sendable, Equatable {
    /// Where an entity goes: absolute `x`, `y`, `theta` where given, else shifted by `dx`, `dy`, `dtheta`.
    public struct Placement: Sendable, Equatable {
        public var x: Double?, y: Double?, theta: Double?
        public var dx: Double = 0, dy: Double = 0, dtheta: Double = 0
        public init(x: Double? = nil, y: Double? = nil, theta: Double? = nil, dx: Double = 0, dy: Double = 0, dtheta: Double = 0) {
            self.x = x; self.y = y; self.theta = theta; self.dx = dx; self.dy = dy; self.dtheta = dtheta
        }

        public func applied(to pose: Pose2D) -> Pose2D {
            Pose2D(x: (x ?? pose.x) + dx, y: (y ?? pose.y) + dy, theta: (theta ?? pose.theta) + dtheta)
        }
    }

    /// What an added entity looks like.
    public enum Shape: Sendable, Equatable {
        /// A copy of this entity's geometry.
        case like(String)
        /// A box: length along its heading, width, height (meters).
        case box(SIMD3<Double>)
    }

    case move(entity: String, Placement)
    case add(entity: String, category: EntityCategory, kind: String?, shape: Shape, pose: Pose2D)
    case remove(entity: String)
    case addNode(AGVNetwork.Node)
    case removeNode(String)
    case addEdge(id: String, from: String, to: String, bidirectional: Bool)
    case removeEdge(String)

    public var entity: String? {
        switch self {
        case .move(let id, _), .add(let id, _, _, _, _), .remove(let id): return id
        default: return nil
        }
    }
}

extension AGVNetwork.Node: Equatable {
    public static func == (a: AGVNetwork.Node, b: AGVNetwork.Node) -> Bool {
        a.id == b.id && a.x == b.x && a.y == b.y && a.theta == b.theta
    }
}

/// Everything that can go wrong in a plant's state, the one error type of TwinState: an update
/// refused (the state is unchanged), a history that cannot be used, an update file that cannot be
/// applied. `kind` says which; the place (file,
/// line, field) is filled where there is one, and `description` is the one line the CLI prints:
/// `updates.jsonl:42: set.pose.theta: expected a number, found a string`.
public struct StateError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// An update refused: a field of its JSON, an unknown entity, a change the entity cannot take.
        case update
        /// An update refused because it lies more than the allowed lateness before the clock.
        case tooLate
        /// A late update that only a replay from the history can place at its time.
        case outOfOrder
        /// The history database cannot be opened, read or written.
        case history
        /// An update file that cannot be read.
        case unreadableFile
        /// An update file whose first `lines` lines differ from the ones the history applied before.
        case sourceChanged(lines: Int64)
        /// An update file whose last line was applied without its newline and has since gone on.
        case unterminatedLineChanged(line: Int64)
    }

    public var kind: Kind
    public var file: String?
    public var line: Int?
    public var field: String
    public var message: String
    /// An update file stopped at a refused line (strict mode): what was applied and kept before it.
    public var partial: UpdateFile.Report?

    public init(kind: Kind = .update, file: String? = nil, line: Int? = nil, field: String = "", message: String,
                partial: UpdateFile.Report? = nil) {
        self.kind = kind; self.file = file; self.line = line; self.field = field; self.message = message; self.partial = partial
    }

    /// An update the state refused (bad, too late, or late without a history to place it), as
    /// opposed to a history or file that cannot be used.
    public var isRefusedUpdate: Bool {
        switch kind {
        case .update, .tooLate, .outOfOrder: return true
        default: return false
        }
    }

    /// The history at `path` cannot be used.
    public static func history(_ path: String, _ message: String) -> StateError { StateError(kind: .history, file: path, message: message) }

    public var description: String {
        var place = file ?? ""
        if let line { place += place.isEmpty ? "line \(line)" : ":\(line)" }
        let head = place.isEmpty ? "" : place + ": "
        return field.isEmpty ? head + message : head + field + ": " + message
    }
}
