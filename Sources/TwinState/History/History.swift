import Foundation
import GRDB
import GRDBSQLite
import TwinLayout


/// A plant's history in an embedded SQLite database (WAL mode): every applied update in sequence
/// order, with the plant clock at that update, and a snapshot of the whole state every
/// ``snapshotInterval`` updates, so that the state at any past moment is one snapshot plus at most
/// that many updates away.
///
/// The state at a time T is what the twin held when its clock reached T: the longest run of
/// updates from the start whose clock (the latest time seen so far) is at most T. For updates in
/// time order that is simply every update up to T.
///
/// Tables: `updates(seq, clock_ms, entity, line)`, `snapshots(seq, clock_ms, state)`,
/// `sources(path, bytes, lines, hash, updated)` (how far each applied file has been committed)
/// and `meta(key, value)`.
public final class History: Sendable {
    public let path: String
    /// The plant this history belongs to, as its state before any update.
    public let initialState: PlantState
    /// How many updates lie between snapshots.
    public let snapshotInterval: Int64
    let queue: DatabaseQueue

    /// Opens (or creates) the history at `path` for `plant`.
    public convenience init(path: String, plant: Plant, snapshotInterval: Int64 = 10_000) throws(StateError) {
        try self.init(path: path, initialState: PlantState(plant: plant), snapshotInterval: snapshotInterval)
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
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('plant', ?), ('format', '1')", arguments: [plantName])
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

    /// The first and last clock in the history.
    public func timeSpan() throws(StateError) -> (first: Timestamp, last: Timestamp)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(clock_ms), MAX(clock_ms) FROM updates"),
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
