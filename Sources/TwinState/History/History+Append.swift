import TwinJSON
import Foundation
import GRDB
import GRDBSQLite

/// Updates waiting to be committed together: their JSON lines in one buffer.
public struct UpdateBatch: Sendable {
    struct Row: Sendable {
        var sequence: Int64
        var time: Int64
        var clock: Int64
        var entity: String?
        var start: Int
        var end: Int
    }

    var bytes: [UInt8] = []
    var rows: [Row] = []

    public init() {}

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// Adds an applied update: its sequence number, its time, the clock after it (from the state
    /// it was applied to), and its text.
    public mutating func append(sequence: Int64, time: Timestamp, clock: Timestamp, entity: String?, line: UnsafeBufferPointer<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: line)
        rows.append(Row(sequence: sequence, time: time.milliseconds, clock: clock.milliseconds, entity: entity, start: start, end: bytes.count))
    }

    /// Adds an applied update with its sequence number and the clock after it.
    public mutating func append(sequence: Int64, clock: Timestamp, update: Update) {
        var line = update.jsonLine
        line.withUTF8 { append(sequence: sequence, time: update.time, clock: clock, entity: update.entity, line: $0) }
    }

    /// Adds an update just applied to `state`.
    public mutating func append(_ update: Update, appliedTo state: PlantState) {
        var line = update.jsonLine
        line.withUTF8 { append(sequence: state.sequence, time: update.time, clock: state.time ?? update.time, entity: update.entity, line: $0) }
    }

    /// Adds every update of `other` after these.
    public mutating func append(contentsOf other: UpdateBatch) {
        let offset = bytes.count
        bytes.append(contentsOf: other.bytes)
        rows.append(contentsOf: other.rows.map { row in
            var r = row; r.start += offset; r.end += offset; return r
        })
    }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
    }
}

/// How much of an updates file is in the history: its first `bytes` bytes (`lines` lines), whose
/// FNV-1a hash is `hash`. A later apply of the same file goes on from there.
public struct SourceProgress: Sendable, Equatable {
    public var path: String
    public var bytes: Int64
    public var lines: Int64
    public var hash: UInt64
    public init(path: String, bytes: Int64, lines: Int64, hash: UInt64) {
        self.path = path; self.bytes = bytes; self.lines = lines; self.hash = hash
    }
}

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension History {
    /// Commits a batch in one transaction, with a snapshot of `state` (the state after the batch's
    /// last update) when one is due or `snapshot` asks, and the source's progress: all or nothing.
    /// Updates that arrived late (placed at their time in `state`) drop the snapshots after them.
    public func commit(_ batch: UpdateBatch, state: PlantState, snapshot: Bool = false, source: SourceProgress? = nil) throws(StateError) {
        let cached = try write { db -> SnapshotCache.Entry? in
            try insert(batch, db)
            var cached = latestSnapshot.value
            if let earliest = batch.rows.lazy.map(\.time).min() {
                cached = try repairLatestSnapshot(with: batch, after: earliest, cached, db)
                try dropSnapshots(after: earliest, keeping: cached?.seq, db)
            }
            if try snapshotIfDue(state, force: snapshot, db), let clock = state.time {
                cached = SnapshotCache.Entry(seq: state.sequence, clock: clock.milliseconds, state: state)
            }
            if let source { try record(source, db) }
            return cached
        }
        latestSnapshot.value = cached
    }

    /// Updates of `batch` older than the latest snapshot's clock belong in it: they are placed in
    /// its state as kept in memory (with the fields' times) and the snapshot is written again.
    /// Nil when that cannot be done (no such state kept, it is no longer the latest snapshot, or
    /// an update needs a replay): the snapshot is then dropped like the others.
    private func repairLatestSnapshot(with batch: UpdateBatch, after earliest: Int64, _ cached: SnapshotCache.Entry?, _ db: Database) throws -> SnapshotCache.Entry? {
        guard var entry = cached else { return nil }
        guard earliest < entry.clock else { return entry }
        guard let latest = try Row.fetchOne(db, sql: "SELECT seq, clock_ms FROM snapshots ORDER BY clock_ms DESC, seq DESC LIMIT 1"),
              latest[0] as Int64 == entry.seq, latest[1] as Int64 == entry.clock else { return nil }
        let placed = batch.bytes.withUnsafeBufferPointer { bytes -> Bool in
            for row in batch.rows where row.time < entry.clock {
                do throws(StateError) {
                    try entry.state.apply(try UpdateParser.parse(line: UnsafeBufferPointer(rebasing: bytes[row.start..<row.end])))
                } catch {
                    return false
                }
            }
            return true
        }
        guard placed else { return nil }
        try db.execute(sql: "UPDATE snapshots SET state = ? WHERE seq = ?", arguments: [JSONWriter.string(entry.state.document()), entry.seq])
        return entry
    }

    /// Places an update that `PlantState.apply` could not place alone (kind `.outOfOrder`): stores
    /// it with the next sequence number after `state`'s, drops the snapshots after its time, and
    /// returns the state that every stored update gives in time order, all in one transaction
    /// with the source's progress. An update that, at its time, leaves a stored update invalid
    /// is refused (kind `.update`) and nothing is stored.
    public func placeLate(_ update: Update, line: UnsafeBufferPointer<UInt8>? = nil, after state: PlantState, source: SourceProgress? = nil) throws(StateError) -> PlantState {
        var batch = UpdateBatch()
        let clock = max(state.time ?? update.time, update.time)
        if let line {
            batch.append(sequence: state.sequence + 1, time: update.time, clock: clock, entity: update.entity, line: line)
        } else {
            var text = update.jsonLine
            text.withUTF8 { batch.append(sequence: state.sequence + 1, time: update.time, clock: clock, entity: update.entity, line: $0) }
        }
        latestSnapshot.value = nil
        let result = try write { db in
            try insert(batch, db)
            try db.execute(sql: "DELETE FROM snapshots WHERE clock_ms > ?", arguments: [update.time.milliseconds])
            var placed: PlantState
            do { placed = try replay(db, until: nil, snapshotEvery: snapshotInterval) } catch let error as StateError where error.kind == .history {
                throw StateError(field: "t", message: "placed at its time, it leaves a later update invalid: \(error.message)")
            }
            placed.adopt(countsOf: state)
            placed.countLate()
            guard placed.sequence == state.sequence + 1 else {
                throw StateError(kind: .history, file: path, message: "the history holds \(placed.sequence) updates where the twin had applied \(state.sequence + 1)")
            }
            let written = try snapshotIfDue(placed, force: true, db)
            if let source { try record(source, db) }
            return (placed, written)
        }
        if result.1, let clock = result.0.time { latestSnapshot.value = SnapshotCache.Entry(seq: result.0.sequence, clock: clock.milliseconds, state: result.0) }
        return result.0
    }

    private func insert(_ batch: UpdateBatch, _ db: Database) throws {
        if !batch.rows.isEmpty {
                let statement = try db.cachedStatement(sql: "INSERT INTO updates(seq, time_ms, clock_ms, entity, line) VALUES (?, ?, ?, ?, ?)")
                let s = statement.sqliteStatement
                try batch.bytes.withUnsafeBufferPointer { bytes in
                    for row in batch.rows {
                        sqlite3_bind_int64(s, 1, row.sequence)
                        sqlite3_bind_int64(s, 2, row.time)
                        sqlite3_bind_int64(s, 3, row.clock)
                        if let entity = row.entity {
                            var e = entity
                            e.withUTF8 { u in _ = sqlite3_bind_text(s, 4, u.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(u.count), transient) }
                        } else {
                            sqlite3_bind_null(s, 4)
                        }
                        let text = UnsafeRawPointer(bytes.baseAddress! + row.start).assumingMemoryBound(to: CChar.self)
                        sqlite3_bind_text(s, 5, text, Int32(row.end - row.start), nil)
                        let rc = sqlite3_step(s)
                        sqlite3_reset(s)
                        guard rc == SQLITE_DONE else {
                            throw StateError(kind: .history, file: path, message: "storing update \(row.sequence): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
                        }
                    }
                }
                sqlite3_clear_bindings(s)
        }
    }

    /// Drops the snapshots that an update at `time`, arriving now, would have to be in. When that
    /// leaves three intervals of updates or more after the last snapshot, they are taken again
    /// (fewer: the snapshot of the state after the batch closes the gap, so that updates a few
    /// seconds late in every batch cost no replay).
    private func dropSnapshots(after time: Int64, keeping kept: Int64?, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM snapshots WHERE clock_ms > ? AND seq != ?", arguments: [time, kept ?? -1])
        guard db.changesCount > 0 else { return }
        let last = try Row.fetchOne(db, sql: "SELECT clock_ms, seq FROM snapshots ORDER BY clock_ms DESC, seq DESC LIMIT 1")
        let after = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM updates WHERE (time_ms, seq) > (?, ?) LIMIT ?)",
                                       arguments: [last?[0] ?? Int64.min, last?[1] ?? Int64(0), 3 * snapshotInterval]) ?? 0
        if after >= 3 * snapshotInterval { _ = try replay(db, until: nil, snapshotEvery: snapshotInterval) }
    }

    /// A snapshot of `state` (keyed by its clock and sequence number) when one is due; true when written.
    @discardableResult
    private func snapshotIfDue(_ state: PlantState, force: Bool, _ db: Database) throws -> Bool {
        let lastSnapshot = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM snapshots") ?? 0
        guard let clock = state.time, state.sequence > lastSnapshot, force || state.sequence - lastSnapshot >= snapshotInterval else { return false }
        try db.execute(sql: "INSERT OR REPLACE INTO snapshots(seq, clock_ms, state) VALUES (?, ?, ?)",
                       arguments: [state.sequence, clock.milliseconds, JSONWriter.string(state.document())])
        return true
    }

    private func record(_ source: SourceProgress, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO sources(path, bytes, lines, hash, updated) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET bytes = excluded.bytes, lines = excluded.lines, hash = excluded.hash, updated = excluded.updated
            """, arguments: [source.path, source.bytes, source.lines, String(source.hash, radix: 16), Timestamp(Date()).description])
    }

    /// How far the file at `path` (absolute) has been committed, if it ever was.
    public func progress(ofSource path: String) throws(StateError) -> SourceProgress? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT bytes, lines, hash FROM sources WHERE path = ?", arguments: [path]) else { return nil }
            let hashText: String = row[2]
            return SourceProgress(path: path, bytes: row[0], lines: row[1], hash: UInt64(hashText, radix: 16) ?? 0)
        }
    }

    /// The fingerprint (FNV-1a of its text) of every stored update line, with how many times it
    /// is stored: for applying a file from its start without applying twice what is held.
    public func lineFingerprints() throws(StateError) -> [UInt64: Int] {
        try read { db in
            var result: [UInt64: Int] = [:]
            let statement = try db.makeStatement(sql: "SELECT line FROM updates")
            let s = statement.sqliteStatement
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw StateError(kind: .history, file: path, message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
                let count = Int(sqlite3_column_bytes(s, 0))
                var hash = UpdateFile.hashSeed
                if count > 0, let text = sqlite3_column_text(s, 0) {
                    UpdateFile.fingerprint(UnsafeBufferPointer(start: text, count: count), into: &hash)
                }
                result[hash, default: 0] += 1
            }
            sqlite3_reset(s)
            return result
        }
    }

    /// Forgets a file's progress, so that it is applied again from its start.
    public func forgetSource(_ path: String) throws(StateError) {
        try write { db in try db.execute(sql: "DELETE FROM sources WHERE path = ?", arguments: [path]) }
    }
}
