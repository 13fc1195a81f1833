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
        /// For entities added by an edit: when (milliseconds; nil when restored from a snapshot).
        var addedAt: Int64?
        public var state = EntityState()

        public static func == (a: EntityRecord, b: EntityRecord) -> Bool {
            a.id == b.id && a.category == b.category && a.kind == b.kind && a.placement == b.placement
                && a.originalPlacement == b.originalPlacement && a.removed == b.removed && a.shape == b.shape && a.state == b.state
        }

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

    /// The same plant in the same state: entities, layout, network, clock and sequence number
    /// (not how the updates arrived: ``lateUpdates``, nor the fields' times).
    public static func == (a: PlantState, b: PlantState) -> Bool {
        a.plantName == b.plantName && a.entities == b.entities && a.nodes == b.nodes && a.edges == b.edges
            && a.time == b.time && a.sequence == b.sequence && a.networkEdited == b.networkEdited
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
    ///
    /// Updates are placed by their own time, not by when they arrive: one whose time lies before
    /// the clock (it arrived late) changes only the fields that no later update has set, so the
    /// state is the one the same updates give in time order. When that cannot be decided from the
    /// fields' times alone (a late layout edit; a late status inside a run of equal reports older
    /// than the ones kept; a late counter value with increments after it) the update is refused
    /// with kind `.outOfOrder`: a twin with a history then places it by replaying from there
    /// (``History/placeLate(_:line:after:source:)``). One more than ``maximumLateness`` behind the
    /// clock is refused as `.tooLate`.
    public mutating func apply(_ update: Update) throws(StateError) {
        let t = update.time.milliseconds
        let late = time.map { t < $0.milliseconds } ?? false
        if late, !restoring {
            let behind = time!.milliseconds - t
            guard behind <= maximumLateness else {
                throw StateError(kind: .tooLate, field: "t", message: "\(update.time) lies \(Self.span(behind)) before the plant clock (\(time!)); updates more than \(Self.span(maximumLateness)) late are refused (--max-lateness)")
            }
        }
        switch update.action {
        case let .set(id, changes):
            guard let e = index[id] else { throw StateError(field: "entity", message: "unknown entity '\(id)'") }
            guard !entities[e].removed else {
                if late { throw Self.outOfOrder(update, clock: time!, why: "'\(id)' was removed from the layout after it") }
                throw StateError(field: "entity", message: "'\(id)' was removed from the layout")
            }
            let category = entities[e].category
            for change in changes where !change.applies(to: category) {
                throw StateError(field: change.field, message: "\(category.rawValue) '\(id)' has no such field")
            }
            if late && !restoring {
                if let added = entities[e].addedAt, t < added {
                    throw StateError(field: "t", message: "'\(id)' was added to the layout at \(Timestamp(milliseconds: added)), after this update's time")
                }
                guard t >= knownSince else {
                    throw Self.outOfOrder(update, clock: time!, why: "it lies before \(Timestamp(milliseconds: knownSince)), the snapshot this state was restored from")
                }
                for change in changes {
                    if let why = Self.cannotPlace(change, at: t, in: entities[e].state) { throw Self.outOfOrder(update, clock: time!, why: why) }
                }
            }
            for change in changes { Self.place(change, at: t, update.time, in: &entities[e].state, late: late && !restoring) }
            // A status without reasons clears the reasons of the status before (whoever built the
            // update: the parser, a mapper, a script), as its stored line reads back.
            if Self.clearsReasons(changes) { Self.place(.statusReasons([]), at: t, update.time, in: &entities[e].state, late: late && !restoring) }
            if entities[e].state.updated.map({ $0.milliseconds < t }) ?? true { entities[e].state.updated = update.time }
        case let .edit(edit):
            if late && !restoring { throw Self.outOfOrder(update, clock: time!, why: "a layout edit is placed by replaying what came after it") }
            try apply(edit, at: t)
        }
        advance(to: update.time, late: late)
    }

    /// The longest (milliseconds) an update may arrive after the clock has passed its time and
    /// still be placed at its time; a later one is refused as too late. One hour by default.
    public var maximumLateness: Int64 = 3_600_000
    /// The fields' times are known for what was set after this moment (milliseconds; `.min`: all
    /// of them): a state restored from a snapshot knows its values but not when each was set.
    private(set) var knownSince: Int64 = .min
    private var restoring = false

    static func outOfOrder(_ update: Update, clock: Timestamp, why: String) -> StateError {
        StateError(kind: .outOfOrder, field: "t", message: "\(update.time) lies before the plant clock (\(clock)) and \(why); only a twin with a history can place it at its time")
    }

    /// "1 h 5 min", "20 min", "3.5 s".
    static func span(_ ms: Int64) -> String {
        if ms < 60_000 { return ms % 1000 == 0 ? "\(ms / 1000) s" : String(format: "%.1f s", Double(ms) / 1000) }
        let minutes = ms / 60_000
        if minutes < 60 { return "\(minutes) min" }
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    private mutating func advance(to time: Timestamp, late: Bool) {
        sequence += 1
        if late { if !restoring { lateUpdates += 1 } } else { self.time = time }
    }

    /// Sets the clock without an update (a scenario's clock moving on); never backwards.
    public mutating func setClock(_ time: Timestamp) {
        if self.time.map({ $0 < time }) ?? true { self.time = time }
    }

    /// Whether `changes` set a status and say nothing of its reasons.
    @inline(__always)
    static func clearsReasons(_ changes: [Change]) -> Bool {
        var status = false
        for change in changes {
            switch change {
            case .status: status = true
            case .statusReasons: return false
            default: break
            }
        }
        return status
    }

    /// Why a late change cannot be placed from the fields' times alone, or nil when it can.
    static func cannotPlace(_ change: Change, at t: Int64, in s: EntityState) -> String? {
        switch change {
        case .status(let v):
            guard t < s.clock.status, s.status != v, let since = s.statusSince?.milliseconds, t >= since else { return nil }
            return t < s.clock.statusRunDropped ? "it breaks a run of \(FieldClock.runCapacity)+ equal status reports at a report no longer kept" : nil
        case let .counter(name, _):
            guard let c = s.clock.counters[name] else { return nil }
            if c.increment > t { return "counter '\(name)' was incremented after its time" }
            guard t < c.absolute else { return nil }
            // Placed between two kept reports, or before the first of a complete list.
            let k = c.reports.firstIndex { $0.x > t } ?? c.reports.count
            return t <= c.cut || (k == 0 && c.cut != .min) ? "counter '\(name)' was reported after its time more often than the twin keeps" : nil
        case let .counterIncrement(name, _), let .counterCorrection(name, _):
            guard let c = s.clock.counters[name] else { return nil }
            return t < c.absolute || c.increment > t ? "counter '\(name)' was set after its time" : nil
        default:
            return nil
        }
    }

    /// Sets a field to a change made at `t`; a late change only where no later one set it.
    @inline(__always)
    static func place(_ change: Change, at t: Int64, _ time: Timestamp, in s: inout EntityState, late: Bool) {
        switch change {
        case .status(let status): placeStatus(status, at: t, time, in: &s)
        case .statusSince(let since): s.statusSince = since
        case let .signal(name, value):
            if late, t < s.clock.signals[name] ?? .min { return }
            s.signals[name] = value
            s.clock.signals[name] = t
        case let .counter(name, value): placeCounter(name, value, at: t, in: &s)
        case let .counterIncrement(name, value):
            s.counters[name, default: 0] &+= value
            s.clock.counters[name, default: CounterClock()].cutReports(at: t)
            s.clock.counters[name]!.increment = max(s.clock.counters[name]!.increment, t)
        case let .counterCorrection(name, value):
            s.counters[name] = value
            s.clock.counters[name, default: CounterClock()].cutReports(at: t)
            s.clock.counters[name]!.absolute = t
            s.clock.counters[name]!.increment = .min
        case let .counterResets(name, resets): s.counterResets[name] = resets.count == 0 ? nil : resets
        case .statusReasons(let reasons): if slot(.statusReasons, t, &s, late) { s.statusReasons = reasons }
        case .running(let running): if slot(.running, t, &s, late) { s.running = running }
        case .speed(let speed): if slot(.speed, t, &s, late) { s.speed = speed }
        case .pose(let pose): if slot(.pose, t, &s, late) { s.agv.pose = pose }
        case .velocity(let velocity): if slot(.velocity, t, &s, late) { s.agv.velocity = velocity }
        case .driving(let driving): if slot(.driving, t, &s, late) { s.agv.driving = driving }
        case .battery(let battery): if slot(.battery, t, &s, late) { s.agv.battery = battery }
        case .operatingMode(let mode): if slot(.operatingMode, t, &s, late) { s.agv.operatingMode = mode }
        case .loads(let loads): if slot(.loads, t, &s, late) { s.agv.loads = loads }
        case .zoneSets(let ids): if slot(.zoneSets, t, &s, late) { s.agv.zoneSets = ids }
        case .zoneRequests(let requests): if slot(.zoneRequests, t, &s, late) { s.agv.zoneRequests = requests }
        case .errors(let errors): if slot(.errors, t, &s, late) { s.agv.errors = errors }
        case .lastNode(let node): if slot(.lastNode, t, &s, late) { s.agv.lastNode = node }
        case .order(let order): if slot(.order, t, &s, late) { s.agv.order = order }
        case .connection(let c): if slot(.connection, t, &s, late) { s.connection = c; s.connectionSince = time }
        case .connectionSince(let since): s.connectionSince = since
        }
    }

    /// A counter's report of `value` at `t`. A value below the one before it is a reset (the
    /// source counted from zero again): the value reached before it is carried into the total.
    /// A late report (``cannotPlace(_:at:in:)`` made sure it lies among the kept ones) changes
    /// the resets only by the two reports beside it; the value stays the latest report's.
    static func placeCounter(_ name: String, _ value: Int64, at t: Int64, in s: inout EntityState) {
        // One hash of the name for the value: read and write it through its index.
        let index = s.counters.index(forKey: name)
        let before = index.map { s.counters.values[$0] }
        let old = s.counterResets.isEmpty ? nil : s.counterResets[name]
        var resets = old ?? CounterResets()
        // The clock is changed where it lies (a copy would copy its reports on the first append).
        let latest = placeReport(value, at: t, before: before, resets: &resets, in: &s.clock.counters[name, default: CounterClock()])
        if latest {
            if let index { s.counters.values[index] = value } else { s.counters[name] = value }
        }
        if resets != (old ?? CounterResets()) { s.counterResets[name] = resets.count == 0 ? nil : resets }
    }

    /// Places a report in a counter's clock and its resets; true when it is the latest report.
    @inline(__always)
    private static func placeReport(_ value: Int64, at t: Int64, before: Int64?, resets: inout CounterResets, in c: inout CounterClock) -> Bool {
        let latest = t >= c.absolute
        if latest {
            if let before, value < before { resets.add(before) }
            c.absolute = t
            c.increment = .min
            c.reports.append(SIMD2(t, value))
        } else {
            // Between `previous` (none: the counter's first report) and `next`.
            let k = c.reports.firstIndex { $0.x > t }!
            let next = c.reports[k].y, previous = k > 0 ? c.reports[k - 1].y : nil
            if let previous {
                if next < previous { resets.count -= 1; resets.carried &-= previous }
                if value < previous { resets.add(previous) }
            }
            if next < value { resets.add(value) }
            c.reports.insert(SIMD2(t, value), at: k)
        }
        // Keep between `capacity` and twice that many, trimmed in one move every `capacity` reports.
        if c.reports.count >= 2 * CounterClock.capacity {
            c.cut = max(c.cut, c.reports[CounterClock.capacity - 1].x)
            c.reports.removeFirst(CounterClock.capacity)
        }
        return latest
    }

    /// Whether a change at `t` is the latest of its field (and records it then).
    @inline(__always)
    private static func slot(_ slot: FieldClock.Slot, _ t: Int64, _ s: inout EntityState, _ late: Bool) -> Bool {
        if late, t < s.clock.slot(slot) { return false }
        s.clock.set(slot, t)
        return true
    }

    /// A status report at `t`. The status is the latest report's; it has held since the first
    /// report of the run of equal reports that ends with the latest. A late report inside that
    /// run ends it there: the status has held since the run's next report.
    static func placeStatus(_ v: MachineStatus, at t: Int64, _ time: Timestamp, in s: inout EntityState) {
        if t >= s.clock.status {
            if s.status != v {
                s.clock.statusBefore = s.clock.status
                s.statusSince = time
                s.status = v
                s.clock.statusRun.removeAll(keepingCapacity: true)
                s.clock.statusRunDropped = .min
            }
            s.clock.statusRun.append(t)
            trimRun(&s.clock)
            s.clock.status = t
            return
        }
        let since = s.statusSince?.milliseconds ?? .min
        if s.status == v {
            if t >= since {
                insertRun(t, &s.clock)
            } else if t >= s.clock.statusBefore {
                s.statusSince = time
                insertRun(t, &s.clock)
            }
        } else if t < since {
            if t >= s.clock.statusBefore { s.clock.statusBefore = t }
        } else {
            // Inside the run (cannotPlace made sure the reports after t are kept): the run now
            // starts at its first report after t.
            let k = s.clock.statusRun.firstIndex { $0 > t } ?? (s.clock.statusRun.count - 1)
            s.statusSince = Timestamp(milliseconds: s.clock.statusRun[k])
            s.clock.statusRun.removeFirst(k)
            s.clock.statusRunDropped = .min
            s.clock.statusBefore = t
        }
    }

    private static func insertRun(_ t: Int64, _ c: inout FieldClock) {
        var k = c.statusRun.count
        while k > 0, c.statusRun[k - 1] > t { k -= 1 }
        c.statusRun.insert(t, at: k)
        trimRun(&c)
    }

    @inline(__always)
    private static func trimRun(_ c: inout FieldClock) {
        if c.statusRun.count > FieldClock.runCapacity { c.statusRunDropped = max(c.statusRunDropped, c.statusRun.removeFirst()) }
    }

    private mutating func apply(_ edit: LayoutEdit, at t: Int64) throws(StateError) {
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
            record.addedAt = restoring ? nil : t
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
        restoring = true
        defer { restoring = false }
        try apply(update)
        self.sequence = sequence; self.time = time; lateUpdates = late
    }

    /// After a restore: the values are known, not when each field was set (only that it was at
    /// or before `time`).
    mutating func forgetFieldTimes(knownSince time: Timestamp?) {
        for e in entities.indices { entities[e].state.clock = FieldClock() }
        knownSince = time?.milliseconds ?? .min
    }

    mutating func countLate() { lateUpdates += 1 }

    /// Carries what a state counts, and its policy, over to a state that replaces it.
    public mutating func adopt(countsOf other: PlantState) {
        lateUpdates = other.lateUpdates
        maximumLateness = other.maximumLateness
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
