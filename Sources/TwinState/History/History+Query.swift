import TwinJSON
import Foundation
import GRDB
import GRDBSQLite

extension History {
    /// The state when the plant clock reached `time`, or the latest state when `time` is nil. The
    /// state's clock is set to `time` (nothing happened between the last update and then).
    public func state(at time: Timestamp? = nil) throws(StateError) -> PlantState {
        try read { db in
            var state = initialState
            let limit = time?.milliseconds ?? .max
            let snapshotRow = time == nil
                ? try Row.fetchOne(db, sql: "SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1")
                : try Row.fetchOne(db, sql: "SELECT seq, state FROM snapshots WHERE clock_ms <= ? ORDER BY clock_ms DESC, seq DESC LIMIT 1", arguments: [limit])
            var from: Int64 = 0
            if let snapshotRow {
                from = snapshotRow[0]
                let text: String = snapshotRow[1]
                let document: JSONValue
                do { document = try JSONParser.parse(text) } catch {
                    throw StateError(kind: .history, file: path, message: "snapshot at update \(from) is not valid JSON: \(error)")
                }
                do { try state.restore(document) } catch {
                    throw StateError(kind: .history, file: path, message: "snapshot at update \(from) does not fit the plant: \(error)")
                }
            }
            let statement = try db.cachedStatement(sql: "SELECT seq, clock_ms, line FROM updates WHERE seq > ? ORDER BY seq")
            let s = statement.sqliteStatement
            sqlite3_bind_int64(s, 1, from)
            defer { sqlite3_reset(s) }
            while true {
                let rc = sqlite3_step(s)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else { throw StateError(kind: .history, file: path, message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
                let seq = sqlite3_column_int64(s, 0)
                if sqlite3_column_int64(s, 1) > limit { break }
                let count = Int(sqlite3_column_bytes(s, 2))
                guard let text = sqlite3_column_text(s, 2) else { continue }
                let line = UnsafeBufferPointer(start: text, count: count)
                do {
                    let update = try UpdateParser.parse(line: line)
                    try state.apply(update)
                } catch {
                    throw StateError(kind: .history, file: path, message: "update \(seq) no longer applies to the plant: \(error)")
                }
                guard state.sequence == seq else {
                    throw StateError(kind: .history, file: path, message: "update \(seq) follows update \(state.sequence - 1): the history has a gap")
                }
            }
            if let time { state.setClock(time) }
            return state
        }
    }
}
