import TwinJSON
import Foundation
import GRDB
import GRDBSQLite

extension History {
    /// What was true at `time`: every update whose time is at most `time`, in time order (the
    /// latest state when `time` is nil). The state's clock is set to `time`.
    public func state(at time: Timestamp? = nil) throws(StateError) -> PlantState {
        try read { db in
            var state = try replay(db, until: time?.milliseconds)
            if let time { state.setClock(time) }
            return state
        }
    }

    /// Walks the history from `start` to `end`: the state at `start` is restored and given to
    /// `atStart`, then each update after it up to `end` is applied in time order and `visit` sees
    /// the update and the state after it. Returns the state at `end` (its clock set there). Costs
    /// one restore and one pass over the updates between.
    public func walk(from start: Timestamp, to end: Timestamp, atStart: (PlantState) throws -> Void = { _ in },
                     visit: (Update, PlantState) throws -> Void) throws(StateError) -> PlantState {
        try read { db in
            var state = try replay(db, until: start.milliseconds)
            state.setClock(start)
            try atStart(state)
            let statement = try db.cachedStatement(sql: "SELECT seq, line FROM updates WHERE time_ms > ? AND time_ms <= ? ORDER BY time_ms, seq")
            let s = statement.sqliteStatement
            sqlite3_bind_int64(s, 1, start.milliseconds)
            sqlite3_bind_int64(s, 2, end.milliseconds)
            defer { sqlite3_reset(s) }
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw StateError(kind: .history, file: path, message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
                let seq = sqlite3_column_int64(s, 0)
                guard let text = sqlite3_column_text(s, 1) else { continue }
                let line = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(s, 1)))
                let update: Update
                do {
                    update = try UpdateParser.parse(line: line)
                    try state.apply(update)
                } catch {
                    throw StateError(kind: .history, file: path, message: "update \(seq) no longer applies to the plant at its time: \(error)")
                }
                try visit(update, state)
            }
            state.setClock(end)
            return state
        }
    }

    /// The latest snapshot at or before `limit` (any, when nil) restored, then the updates after
    /// it in time order up to `limit`. With `snapshotEvery`, a snapshot is stored after each that
    /// many updates while at least as many are left (the transaction must write).
    func replay(_ db: Database, until limit: Int64?, snapshotEvery: Int64? = nil) throws -> PlantState {
        var state = initialState
        let snapshotRow = limit == nil
            ? try Row.fetchOne(db, sql: "SELECT seq, clock_ms, state FROM snapshots ORDER BY clock_ms DESC, seq DESC LIMIT 1")
            : try Row.fetchOne(db, sql: "SELECT seq, clock_ms, state FROM snapshots WHERE clock_ms <= ? ORDER BY clock_ms DESC, seq DESC LIMIT 1", arguments: [limit])
        var fromSeq: Int64 = 0, fromTime: Int64 = .min
        if let snapshotRow {
            fromSeq = snapshotRow[0]
            fromTime = snapshotRow[1]
            let text: String = snapshotRow[2]
            let document: JSONValue
            do { document = try JSONParser.parse(text) } catch {
                throw StateError(kind: .history, file: path, message: "snapshot at update \(fromSeq) is not valid JSON: \(error)")
            }
            do { try state.restore(document) } catch {
                throw StateError(kind: .history, file: path, message: "snapshot at update \(fromSeq) does not fit the plant: \(error)")
            }
            state.maximumLateness = initialState.maximumLateness
        }
        var remaining: Int64 = 0
        if let snapshotEvery {
            remaining = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM updates WHERE (time_ms, seq) > (?, ?)", arguments: [fromTime, fromSeq]) ?? 0
            if remaining < 3 * snapshotEvery { remaining = 0 }
        }
        let statement = try db.cachedStatement(sql: "SELECT seq, time_ms, line FROM updates WHERE (time_ms, seq) > (?, ?) AND time_ms <= ? ORDER BY time_ms, seq")
        let s = statement.sqliteStatement
        sqlite3_bind_int64(s, 1, fromTime)
        sqlite3_bind_int64(s, 2, fromSeq)
        sqlite3_bind_int64(s, 3, limit ?? .max)
        defer { sqlite3_reset(s) }
        var applied: Int64 = 0
        var due: [(seq: Int64, time: Int64, document: String)] = []
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StateError(kind: .history, file: path, message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
            let seq = sqlite3_column_int64(s, 0)
            let count = Int(sqlite3_column_bytes(s, 2))
            guard let text = sqlite3_column_text(s, 2) else { continue }
            let line = UnsafeBufferPointer(start: text, count: count)
            do {
                let update = try UpdateParser.parse(line: line)
                try state.apply(update)
            } catch {
                throw StateError(kind: .history, file: path, message: "update \(seq) no longer applies to the plant at its time: \(error)")
            }
            applied += 1
            if let every = snapshotEvery, remaining > 0, applied % every == 0, remaining - applied >= every {
                due.append((seq, sqlite3_column_int64(s, 1), JSONWriter.string(state.document())))
            }
        }
        for snapshot in due {
            try db.execute(sql: "INSERT OR REPLACE INTO snapshots(seq, clock_ms, state) VALUES (?, ?, ?)",
                           arguments: [snapshot.seq, snapshot.time, snapshot.document])
        }
        return state
    }
}
