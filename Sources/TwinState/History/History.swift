import Foundation
import GRDB
import GRDBSQLite
import TwinLayout


/// A plant's history in an embedded SQLite database (WAL mode): every applied update at its own
/// time, with its arrival order (its sequence number) and the plant clock when it arrived, and a
/// snapshot of the whole state every ``snapshotInterval`` updates, so that the state at any past
/// moment is one snapshot plus a bounded number of updates away.
///
/// The state at a time T is what was true at T: every update whose time is at most T, applied in
/// time order (updates of the same millisecond in arrival order), however late each arrived. An
/// update that arrives late is placed at its time: the snapshots after it are dropped and taken
/// again. The arrival order stays for audit: `seq` says when the twin learned of an update.
///
/// Tables: `updates(time_ms, seq, clock_ms, entity, line)` (ordered by time, then arrival),
/// `snapshots(seq, clock_ms, state)` (a snapshot holds exactly the updates up to its
/// `(clock_ms, seq)` in that order), `sources(path, bytes, lines, hash, updated)` (how far each
/// applied file has been committed) and `meta(key, value)`.
public final class History: Sendable {
    public let path: String
    /// The plant this history belongs to, as its state before any update.
    public let initialState: PlantState
    /// How many updates lie between snapshots.
    public let snapshotInterval: Int64
    let queue: DatabaseQueue
    /// The latest snapshot this process wrote, with the fields' times, so that updates a little
    /// late can be added to it instead of it being dropped.
    let latestSnapshot = SnapshotCache()

    /// Opens (or creates) the history at `path` for `plant`. `maximumLateness` (milliseconds): how
    /// late an update may arrive and still be placed at its time (``PlantState/maximumLateness``).
    public convenience init(path: String, plant: Plant, snapshotInterval: Int64 = 10_000, maximumLateness: Int64 = 3_600_000) throws(StateError) {
        var state = PlantState(plant: plant)
        state.maximumLateness = maximumLateness
        try self.init(path: path, initialState: state, snapshotInterval: snapshotInterval)
    }

    public init(path: String, initialState: PlantState, snapshotInterval: Int64 = 10_000) throws(StateError) {
        self.path = path
        self.initialState = initialState
        self.snapshotInterval = max(1, snapshotInterval)
        var config = Configuration()
        config.journalMode = .wal
        config.label = "FactoryTwin history"
        config.prepareDatabase { db in
            // NORMAL in WAL mode: a commit survives the process being killed (the kill -9 test);
            // only a power cut can take the last commits, never the database's consistency.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
                throw StateError(kind: .history, file: path, message: "the directory \(directory) does not exist")
            }
            queue = try DatabaseQueue(path: path, configuration: config)
            try Self.migrator.migrate(queue)
            let plantName = initialState.plantName
            try queue.write { db in
                if let owner = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'plant'") {
                    guard owner == plantName else {
                        throw StateError(kind: .history, file: path, message: "this history belongs to plant '\(owner)', not '\(plantName)' (give another --db)")
                    }
                } else {
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('plant', ?), ('format', '2')", arguments: [plantName])
                }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(kind: .history, file: path, message: Self.message(error))
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE updates(seq INTEGER PRIMARY KEY, clock_ms INTEGER NOT NULL, entity TEXT, line TEXT NOT NULL);
                CREATE TABLE snapshots(seq INTEGER PRIMARY KEY, clock_ms INTEGER NOT NULL, state TEXT NOT NULL);
                CREATE INDEX snapshots_by_clock ON snapshots(clock_ms);
                CREATE TABLE sources(path TEXT PRIMARY KEY, bytes INTEGER NOT NULL, lines INTEGER NOT NULL,
                                     hash TEXT NOT NULL, updated TEXT NOT NULL);
                """)
        }
        // v2: updates ordered by their own time. A history written before held updates in arrival
        // order and answered by the clock; each keeps that meaning (its time is its clock then).
        migrator.registerMigration("v2-event-time") { db in
            try db.execute(sql: """
                CREATE TABLE updates_by_time(time_ms INTEGER NOT NULL, seq INTEGER NOT NULL, clock_ms INTEGER NOT NULL,
                                             entity TEXT, line TEXT NOT NULL, PRIMARY KEY(time_ms, seq)) WITHOUT ROWID;
                INSERT INTO updates_by_time(time_ms, seq, clock_ms, entity, line) SELECT clock_ms, seq, clock_ms, entity, line FROM updates;
                DROP TABLE updates;
                ALTER TABLE updates_by_time RENAME TO updates;
                UPDATE meta SET value = '2' WHERE key = 'format';
                """)
        }
        return migrator
    }

    static func message(_ error: any Error) -> String {
        if let db = error as? DatabaseError {
            if db.resultCode == .SQLITE_NOTADB { return "not a FactoryTwin history (not an SQLite database)" }
            return db.message ?? "\(db)"
        }
        return "\(error)"
    }

    /// The sequence number of the last update stored (0: none).
    public func lastSequence() throws(StateError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM updates") ?? 0 }
    }

    /// How many updates and snapshots are stored.
    public func counts() throws(StateError) -> (updates: Int64, snapshots: Int64) {
        try read { db in
            (try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM updates") ?? 0, try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") ?? 0)
        }
    }

    /// The times of the first and the last update in the history.
    public func timeSpan() throws(StateError) -> (first: Timestamp, last: Timestamp)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(time_ms), MAX(time_ms) FROM updates"),
                  let a: Int64 = row[0], let b: Int64 = row[1] else { return nil }
            return (Timestamp(milliseconds: a), Timestamp(milliseconds: b))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.read(body) } catch let error as StateError { throw error } catch {
            throw StateError(kind: .history, file: path, message: Self.message(error))
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do { return try queue.write(body) } catch let error as StateError { throw error } catch {
            throw StateError(kind: .history, file: path, message: Self.message(error))
        }
    }
}

/// The state of the latest snapshot written, kept in memory with what the stored document lacks
/// (when each field was set).
final class SnapshotCache: @unchecked Sendable {
    struct Entry { var seq: Int64; var clock: Int64; var state: PlantState }
    private let lock = NSLock()
    private var entry: Entry?
    var value: Entry? {
        get { lock.lock(); defer { lock.unlock() }; return entry }
        set { lock.lock(); entry = newValue; lock.unlock() }
    }
}
