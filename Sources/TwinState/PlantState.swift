import Foundation
import TwinGeometry
import TwinLayout

/// The state of a whole plant at one moment: every entity's live state, the layout edits made so
/// far, the last sequence number applied and the plant clock. Start from a loaded plant, then
/// ``apply(_:)`` updates in order.
public struct PlantState: Sendable, Equatable {
    /// One entity: what the plant file says of it, where the layout has it now, and its state.
    public struct EntityRecord: Sendable, Equatable {
        public var id: String
        public var category: EntityCategory
        public var kind: String?
        /// Where it stands on the floor now (position of its model's origin and heading); nil for
        /// AGVs, whose pose is state, and for entities the plant file does not place.
        public var placement: Pose2D?
        /// Where the plant file placed it (nil for entities added by an edit).
        public var originalPlacement: Pose2D?
        /// Removed by a layout edit: it takes no more updates and is not drawn or checked.
        public var removed = false
        /// For entities added by an edit: what they look like.
        public var shape: LayoutEdit.Shape?
        public var state = EntityState()

        /// Moved or turned by a layout edit.
        public var isMoved: Bool {
            guard let placement, let originalPlacement else { return false }
            return placement != originalPlacement
        }
    }

    public var plantName: String
    public private(set) var entities: [EntityRecord]
    private var index: [String: Int]
    /// Entities of the plant file with a model, whose look an added entity may copy.
    private let copyable: Set<String>
    /// The first entities are the plant file's; edits append after them.
    let plantEntityCount: Int
    /// The AGV network as edited: nodes and edges in the plant's order, added ones after.
    public private(set) var nodes: [AGVNetwork.Node]
    public private(set) var edges: [NetworkEdge]
    /// The plant clock: the latest update time seen (updates that arrive late leave it).
    public private(set) var time: Timestamp?
    /// The sequence number of the last update applied (0: none).
    public private(set) var sequence: Int64 = 0
    /// Updates applied whose time lay before the clock: they are applied in arrival order.
    public private(set) var lateUpdates: Int64 = 0

    /// A network edge as the state knows it: its ends, and whether the plant file drew it (with
    /// its trajectory) or an edit added it (straight).
    public struct NetworkEdge: Sendable, Equatable {
        public var id: String
        public var start: String
        public var end: String
        public var bidirectional: Bool
        public var addedByEdit: Bool
    }

    /// The state of a freshly loaded plant: no updates yet, AGVs at their start poses.
    public init(plant: Plant) {
        plantName = plant.name
        var records: [EntityRecord] = []
        records.reserveCapacity(plant.entities.count)
        for entity in plant.entities {
            var record = EntityRecord(id: entity.id, category: entity.category, kind: entity.kind)
            if entity.category == .agv {
                record.state.agv.pose = entity.pose
            } else if let node = entity.node {
                let placement = Self.floorPlacement(of: plant.nodes[node].worldTransform)
                record.placement = placement
                record.originalPlacement = placement
            }
            records.append(record)
        }
        entities = records
        plantEntityCount = records.count
        copyable = Set(plant.entities.filter { $0.category != .agv && $0.node != nil }.map(\.id))
        index = Dictionary(records.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        nodes = plant.network.nodes
        edges = plant.network.edges.map { NetworkEdge(id: $0.id, start: $0.start, end: $0.end, bidirectional: $0.bidirectional, addedByEdit: false) }
    }

    /// The floor position and heading of a node's origin and x axis.
    public static func floorPlacement(of transform: Matrix4x4) -> Pose2D {
        let origin = FloorFrame.floorPoint(transform.translation)
        let axis = FloorFrame.floorPoint(transform.transformDirection(SIMD3(1, 0, 0)))
        let theta = (axis.x * axis.x + axis.y * axis.y) > 1e-18 ? atan2(axis.y, axis.x) : 0
        return Pose2D(x: origin.x, y: origin.y, theta: theta)
    }

    /// The record of the entity with `id` (removed ones included).
    public func entity(_ id: String) -> EntityRecord? { index[id].map { entities[$0] } }

    /// The index of the entity with `id` in ``entities``.
    public func indexOfEntity(_ id: String) -> Int? { index[id] }

    // MARK: Applying

    /// Checks an update against this state and applies it, or throws without changing anything.
    public mutating func apply(_ update: Update) throws(StateError) {
        switch update.action {
        case let .set(id, changes):
            guard let e = index[id] else { throw StateError(field: "entity", message: "unknown entity '\(id)'") }
            guard !entities[e].removed else { throw StateError(field: "entity", message: "'\(id)' was removed from the layout") }
            let category = entities[e].category
            for change in changes where !change.applies(to: category) {
                throw StateError(field: change.field, message: "\(category.rawValue) '\(id)' has no such field")
            }
            for change in changes { set(change, of: e, at: update.time) }
            entities[e].state.updated = update.time
        case let .edit(edit):
            try apply(edit)
        }
        advance(to: update.time)
    }

    private mutating func advance(to time: Timestamp) {
        sequence += 1
        if let now = self.time, time < now { lateUpdates += 1 } else { self.time = time }
    }

    /// Sets the clock without an update (a scenario's clock moving on); never backwards.
    public mutating func setClock(_ time: Timestamp) {
        if self.time.map({ $0 < time }) ?? true { self.time = time }
    }

    private mutating func set(_ change: Change, of e: Int, at time: Timestamp) {
        switch change {
        case .status(let status):
            if entities[e].state.status != status { entities[e].state.statusSince = time }
            entities[e].state.status = status
        case .statusSince(let since): entities[e].state.statusSince = since
        case let .signal(name, value): entities[e].state.signals[name] = value
        case let .counter(name, value): entities[e].state.counters[name] = value
        case let .counterIncrement(name, value): entities[e].state.counters[name, default: 0] &+= value
        case .running(let running): entities[e].state.running = running
        case .speed(let speed): entities[e].state.speed = speed
        case .pose(let pose): entities[e].state.agv.pose = pose
        case .velocity(let velocity): entities[e].state.agv.velocity = velocity
        case .driving(let driving): entities[e].state.agv.driving = driving
        case .battery(let battery): entities[e].state.agv.battery = battery
        case .operatingMode(let mode): entities[e].state.agv.operatingMode = mode
        case .loads(let loads): entities[e].state.agv.loads = loads
        case .zoneSets(let ids): entities[e].state.agv.zoneSets = ids
        case .zoneRequests(let requests): entities[e].state.agv.zoneRequests = requests
        case .errors(let errors): entities[e].state.agv.errors = errors
        case .lastNode(let node): entities[e].state.agv.lastNode = node
        case .order(let order): entities[e].state.agv.order = order
        case .connection(let c): entities[e].state.agv.connection = c
        }
    }

    private mutating func apply(_ edit: LayoutEdit) throws(StateError) {
        switch edit {
        case let .move(id, placement):
            guard let e = index[id] else { throw StateError(field: "entity", message: "unknown entity '\(id)'") }
            guard !entities[e].removed else { throw StateError(field: "entity", message: "'\(id)' was removed from the layout") }
            guard let current = entities[e].placement else {
                throw StateError(field: "entity", message: entities[e].category == .agv
                    ? "AGV '\(id)' moves by its pose (set.pose), not by a layout edit"
                    : "'\(id)' has no placement in the layout to move")
            }
            let moved = placement.applied(to: current)
            guard moved.x.isFinite, moved.y.isFinite, moved.theta.isFinite else { throw StateError(field: "x", message: "the move leaves the entity at a non-finite place") }
            entities[e].placement = moved
        case let .add(id, category, kind, shape, pose):
            if let e = index[id], !entities[e].removed { throw StateError(field: "entity", message: "'\(id)' is already in the layout") }
            guard category != .agv else { throw StateError(field: "category", message: "AGVs are declared in the plant file, not added by a layout edit") }
            if case .like(let model) = shape {
                guard copyable.contains(model) else {
                    throw StateError(field: "like", message: "'\(model)' is not an entity of the plant file whose look can be copied")
                }
            }
            var record = EntityRecord(id: id, category: category, kind: kind)
            record.placement = pose
            record.shape = shape
            if let e = index[id] {
                entities[e] = record   // added again after its removal: a new entity under the old name
            } else {
                index[id] = entities.count
                entities.append(record)
            }
        case let .remove(id):
            guard let e = index[id] else { throw StateError(field: "entity", message: "unknown entity '\(id)'") }
            guard !entities[e].removed else { throw StateError(field: "entity", message: "'\(id)' was removed already") }
            guard entities[e].category != .agv else { throw StateError(field: "entity", message: "AGVs are declared in the plant file, not removed by a layout edit") }
            entities[e].removed = true
        case let .addNode(node):
            guard !nodes.contains(where: { $0.id == node.id }) else { throw StateError(field: "node", message: "node '\(node.id)' is already in the network") }
            nodes.append(node)
            networkEdited = true
        case let .removeNode(id):
            guard let n = nodes.firstIndex(where: { $0.id == id }) else { throw StateError(field: "node", message: "unknown network node '\(id)'") }
            let using = edges.filter { $0.start == id || $0.end == id }.map(\.id)
            guard using.isEmpty else { throw StateError(field: "node", message: "node '\(id)' still has edges \(using.joined(separator: ", ")); remove them first") }
            nodes.remove(at: n)
            networkEdited = true
        case let .addEdge(id, from, to, bidirectional):
            guard !edges.contains(where: { $0.id == id }) else { throw StateError(field: "edge", message: "edge '\(id)' is already in the network") }
            guard nodes.contains(where: { $0.id == from }) else { throw StateError(field: "from", message: "unknown network node '\(from)'") }
            guard nodes.contains(where: { $0.id == to }) else { throw StateError(field: "to", message: "unknown network node '\(to)'") }
            guard from != to else { throw StateError(field: "to", message: "an edge needs two different nodes") }
            edges.append(NetworkEdge(id: id, start: from, end: to, bidirectional: bidirectional, addedByEdit: true))
            networkEdited = true
        case let .removeEdge(id):
            guard let k = edges.firstIndex(where: { $0.id == id }) else { throw StateError(field: "edge", message: "unknown network edge '\(id)'") }
            edges.remove(at: k)
            networkEdited = true
        }
    }

    // MARK: Reading

    /// Whether any layout edit has been applied.
    public var hasLayoutEdits: Bool {
        networkEdited || entities.contains { $0.removed || $0.shape != nil || $0.isMoved }
    }

    /// Whether nodes or edges were added or removed since the plant file.
    public private(set) var networkEdited = false

    // MARK: Restoring from a document (no sequence numbers spent)

    mutating func applyRestoring(_ update: Update) throws(StateError) {
        let (sequence, time, late) = (self.sequence, self.time, lateUpdates)
        try apply(update)
        self.sequence = sequence; self.time = time; lateUpdates = late
    }

    mutating func setUpdated(_ time: Timestamp?, of e: Int) { entities[e].state.updated = time }
    mutating func restoreSequence(_ sequence: Int64) { self.sequence = sequence }
    mutating func restoreClock(_ time: Timestamp?) { if let time { self.time = time } }

    mutating func replaceNetwork(nodes: [AGVNetwork.Node], edges: [NetworkEdge]) throws(StateError) {
        let ids = Set(nodes.map(\.id))
        for edge in edges where !ids.contains(edge.start) || !ids.contains(edge.end) {
            throw StateError(field: "layout.network.edges", message: "edge '\(edge.id)' joins a node that is not in the network")
        }
        self.nodes = nodes
        self.edges = edges
        networkEdited = true
    }
}
