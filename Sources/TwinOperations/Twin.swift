import TwinCollision
import TwinGeometry
import TwinLayout
import TwinRender
import TwinState

/// The digital twin of one plant, for Swift programs that script it: load a plant, apply updates,
/// ask for the state at any moment, render it and check its AGV routes.
///
/// ```swift
/// import FactoryTwin
///
/// var twin = try Twin(contentsOf: "Assets/demo/plant.yaml", history: "/tmp/demo.sqlite")
/// try twin.apply(jsonLine: #"{"t":"2026-05-04T08:00:00Z","entity":"M-012","set":{"status":"fault"}}"#)
/// print(twin.state.entity("M-012")!.state.status!)                  // fault
/// let earlier = try twin.state(at: Timestamp(iso8601: "2026-05-04T07:00:00Z")!)
/// let snapshot = try twin.render(SnapshotRequest(camera: .named("plan")))
/// try PNGEncoder.write(snapshot.image, to: "plan.png")
/// for result in try twin.checkRoutes() where result.isViolation { print(result.route.id) }
/// ```
public struct Twin: Sendable {
    /// The layout as its file describes it.
    public let plant: Plant
    /// The live state: every entity's state and the layout edits so far.
    public private(set) var state: PlantState
    /// Where applied updates are kept, when the twin has a history.
    public let history: History?

    /// Loads a plant from a manifest (`plant.yaml`) or a model file; with `history`, opens (or
    /// creates) the SQLite history there and starts from its latest state.
    ///
    /// - Parameter importer: how model files are read. The default runs Assimp in this process;
    ///   for files you did not write, pass `SceneImporter(isolation: .worker(executable: pathOfTwin))`
    ///   so that a crash inside Assimp becomes an error rather than the end of your program.
    public init(contentsOf path: String, importer: SceneImporter = SceneImporter(), history historyPath: String? = nil) throws(TwinError) {
        let plant: Plant
        do { plant = try PlantLoader(importer: importer).load(path: path) } catch { throw .layout(error) }
        if let historyPath {
            do { try self.init(plant: plant, history: try History(path: historyPath, plant: plant)) } catch { throw .state(error) }
        } else {
            self.init(plant: plant)
        }
    }

    /// A twin of a plant loaded elsewhere, in the state its history last recorded (or fresh).
    public init(plant: Plant, history: History? = nil) throws(StateError) {
        self.plant = plant
        self.history = history
        state = try history?.state() ?? PlantState(plant: plant)
    }

    /// A twin of a plant loaded elsewhere, fresh, without a history.
    public init(plant: Plant) {
        self.plant = plant
        history = nil
        state = PlantState(plant: plant)
    }

    /// A twin showing a given state of its plant (a state read from a document, say).
    public init(plant: Plant, state: PlantState) {
        self.plant = plant
        history = nil
        self.state = state
    }

    /// The entity with `id` in the plant file, if there is one.
    public func entity(_ id: String) -> Entity? { plant.entity(id: id) }

    /// The layout as the state's edits leave it (the plant itself when nothing was edited).
    public var layout: Plant { plant.edited(by: state) }

    // MARK: Updates

    /// Applies updates in order and commits the applied ones to the history in one transaction.
    /// Returns, for each update, nil when applied or why not; rejected ones change nothing.
    @discardableResult
    public mutating func apply(_ updates: [Update]) throws(StateError) -> [StateError?] {
        var batch = UpdateBatch()
        var outcome: [StateError?] = []
        outcome.reserveCapacity(updates.count)
        for update in updates {
            do {
                try state.apply(update)
                if history != nil { batch.append(update, appliedTo: state) }
                outcome.append(nil)
            } catch where error.kind == .outOfOrder && history != nil {
                // Late, and only a replay from the history places it: what is before it first.
                try history!.commit(batch, state: state)
                batch.removeAll()
                do {
                    state = try history!.placeLate(update, after: state)
                    outcome.append(nil)
                } catch where error.isRefusedUpdate {
                    outcome.append(error)
                }
            } catch {
                outcome.append(error)
            }
        }
        try history?.commit(batch, state: state)
        return outcome
    }

    /// Applies one update (and commits it, with a history), or throws without changing anything.
    public mutating func apply(_ update: Update) throws(StateError) {
        // A refused update and a history that cannot take it are both StateErrors: `kind` tells
        // them apart (.update or .history).
        if let error = try apply([update])[0] { throw error }
    }

    /// Applies one update given as a line of JSON.
    public mutating func apply(jsonLine: String) throws(StateError) {
        try apply(try UpdateParser.parse(line: jsonLine))
    }

    /// Applies a JSON Lines file, committing in batches; see ``UpdateFile``.
    public mutating func apply(contentsOf path: String, options: UpdateFile.Options = UpdateFile.Options(),
                               progress: (Int64, Int64) -> Void = { _, _ in }) throws(StateError) -> UpdateFile.Report {
        try UpdateFile.apply(path: path, to: &state, history: history, options: options, progress: progress)
    }

    /// Sets the plant clock (a simulation moving on without updates); never backwards.
    public mutating func advanceClock(to time: Timestamp) { state.setClock(time) }

    /// The state when the plant clock reached `time`, from the history. Without a history only
    /// the present is known: a time at or after the clock gives the current state.
    public func state(at time: Timestamp) throws(StateError) -> PlantState {
        if let history { return try history.state(at: time) }
        guard let now = state.time, time >= now else {
            throw StateError(kind: .history, file: "(no history)", message: "this twin keeps no history, so it knows only the present state (give it a history)")
        }
        var current = state
        current.setClock(time)
        return current
    }

    // MARK: Pictures and checks

    /// Renders the twin in its current state (or in `request.states`, when given).
    public func render(_ request: SnapshotRequest) throws(TwinError) -> Snapshot {
        try Snapshot.render(self, request)
    }

    /// Checks the routes with `ids` (all by default) against the layout as edited.
    public func checkRoutes(_ ids: [String]? = nil, agv: String? = nil, margin: Double? = nil) throws(TwinError) -> [RouteResult] {
        let layout = self.layout
        var routes = layout.routes
        if let ids {
            routes = []
            for id in ids {
                guard let route = layout.routes.first(where: { $0.id == id }) else { throw .unknownRoute(id, known: layout.routes.map(\.id)) }
                routes.append(route)
            }
        }
        return try PlantCollision(plant: layout).check(routes: routes, plant: layout, agv: agv, margin: margin)
    }
}
