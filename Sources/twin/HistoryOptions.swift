import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

/// Where a plant's history lives: `--db FILE`, else beside the plant (`plant.yaml` keeps
/// `plant.history.sqlite`).
struct HistoryOptions: ParsableArguments {
    @Option(help: "The history database (SQLite). Default: beside the plant, PLANT.history.sqlite.")
    var db: String?

    func path(for plant: String) -> String {
        if let db { return db }
        let url = URL(fileURLWithPath: plant)
        return url.deletingPathExtension().path + ".history.sqlite"
    }

    /// Opens the history for writing, creating it where it is missing.
    func open(plant: Plant, at plantPath: String, lateness: LatenessOptions? = nil) throws -> History {
        do {
            return try History(path: path(for: plantPath), plant: plant, maximumLateness: lateness?.maximumLateness ?? 3_600_000)
        } catch { throw CLIFailure.badInput(error.description) }
    }

    /// Opens an existing history for reading; nil when there is none at the default place.
    func openExisting(plant: Plant, at plantPath: String) throws -> History? {
        let path = path(for: plantPath)
        guard FileManager.default.fileExists(atPath: path) else {
            if db != nil { throw CLIFailure.badInput("\(path): no history there (twin apply writes one)") }
            return nil
        }
        return try open(plant: plant, at: plantPath)
    }
}

/// How late an update may arrive, for the commands that take updates (apply, sync, serve).
struct LatenessOptions: ParsableArguments {
    @Option(name: .customLong("max-lateness"), help: "How late an update may arrive and still be placed at its time (10m, 1h, 3600s); later ones are refused and counted.")
    var maxLateness: String = "1h"

    func validate() throws {
        guard GenerateOrdersCommand.seconds(maxLateness) != nil else {
            throw ValidationError("--max-lateness: expected a duration such as 30m, 1h or 600s (at most 7 days), found '\(maxLateness)'")
        }
    }

    /// --max-lateness in milliseconds.
    var maximumLateness: Int64 { Int64(((GenerateOrdersCommand.seconds(maxLateness) ?? 3600) * 1000).rounded()) }
}

/// A moment given on the command line: ISO 8601 (`2026-05-04T08:15:00Z`).
struct TimeArgument {
    var value: Timestamp

    /// For `@Option(transform:)`: the error says what a time looks like.
    static func parse(_ text: String) throws -> TimeArgument {
        guard let t = Timestamp(iso8601: text) else {
            throw ValidationError("expected an ISO 8601 time such as 2026-05-04T08:15:00Z (or with an offset, +02:00)")
        }
        return TimeArgument(value: t)
    }
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
struct ProgressBar {
    let label: String
    let enabled = isatty(STDERR_FILENO) != 0
    var lastDrawn = ContinuousClock.now - .seconds(1)

    init(_ label: String) { self.label = label }

    mutating func update(_ done: Int64, of total: Int64, detail: String = "") {
        guard enabled, total > 0 else { return }
        let now = ContinuousClock.now
        guard now - lastDrawn > .milliseconds(100) || done >= total else { return }
        lastDrawn = now
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))% \(detail)\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Clears the bar's line so that a message can stand there (the bar is drawn again next time).
    mutating func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastDrawn = ContinuousClock.now - .seconds(1)
    }
}
