import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply updates (JSON Lines) to a plant's state and keep them in its history.",
        discussion: """
            One update per line: {"t": TIME, "entity": ID, "set": {...}} for states, {"t": TIME, "edit": KIND, ...} \
            for layout edits (see docs/history.md). Each line is checked and applied in order; a line that cannot be \
            applied is reported with its line number and field, and the rest goes on (--strict stops there). \
            Updates are committed in batches (--batch): a run that is killed leaves the history at the last batch, \
            and applying the same file again goes on after it, so that no line is applied twice: a file may grow \
            (its last line may even lack its newline until the writer finishes it); after --strict stops at a \
            bad line, fix it and apply the file again. Exit status: 0 all applied, 2 some line rejected or bad input.

            Examples:
              twin apply Assets/demo/plant.yaml Assets/demo/updates.jsonl
              twin apply Assets/demo/plant.yaml a.jsonl b.jsonl --db demo.sqlite --json
              twin apply Assets/demo/plant.yaml gateway.jsonl --strict
            """)

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String

    @Argument(help: "JSON Lines files of updates, applied in order.")
    var files: [String]

    @Flag(help: "Stop at the first line that cannot be applied.")
    var strict = false

    @Option(help: "Lines per committed transaction.")
    var batch = 10_000

    @Flag(name: .customLong("from-start"), help: "Read a file from its first line even if the history holds part of it; lines the history holds already are not applied again.")
    var fromStart = false

    @Flag(help: "Print a JSON summary.")
    var json = false

    @OptionGroup var history: HistoryOptions
    @OptionGroup var lateness: LatenessOptions
    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard !files.isEmpty else { throw ValidationError("give at least one updates file") }
    }

    func run() throws {
        // Every input checked before the plant loads and a history file is made for it.
        for file in files {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &folder) else {
                throw CLIFailure.badInput("\(file): No such file or directory")
            }
            guard !folder.boolValue else { throw CLIFailure.badInput("\(file): is a directory, not a JSON Lines file") }
            guard FileManager.default.isReadableFile(atPath: file) else { throw CLIFailure.badInput("\(file): cannot be read (permission denied)") }
        }
        let loaded = try load.loadPlant(plant)
        let store = try history.open(plant: loaded, at: plant, lateness: lateness)
        var state: PlantState
        do { state = try store.state() } catch { throw CLIFailure.badInput(error.description) }
        var summaries: [JSONValue] = []
        var rejectedAny = false
        for file in files {
            var bar = ProgressBar("applying \((file as NSString).lastPathComponent)")
            let report: UpdateFile.Report
            do {
                report = try UpdateFile.apply(path: file, to: &state, history: store,
                                              options: .init(strict: strict, batchSize: batch, fromStart: fromStart),
                                              progress: { done, total in bar.update(done, of: total) },
                                              rejected: { error in
                                                  // Each rejected line, as it is found.
                                                  bar.clear()
                                                  FileHandle.standardError.write(Data("twin: rejected: \(error)\n".utf8))
                                              })
            } catch {
                bar.finish()
                if let partial = error.partial {
                    FileHandle.standardError.write(Data("twin: \(partial.committed) updates of \(file) applied and kept before the rejected line (fix it and apply the file again: it goes on from that line)\n".utf8))
                }
                throw CLIFailure.badInput(error.description)
            }
            bar.finish()
            rejectedAny = rejectedAny || report.rejectedCount > 0
            let rate = report.seconds > 0 ? Double(report.applied) / report.seconds : 0
            summaries.append(.object(report.json(file: file)))
            if !json {
                var line = "\(file): applied \(report.applied) of \(report.lines) lines"
                if report.resumedAfterLine > 0 { line += " (lines 1-\(report.resumedAfterLine) were applied before)" }
                if report.alreadyHeld > 0 { line += ", \(report.alreadyHeld) held by the history already (not applied again)" }
                if report.rejectedCount > 0 { line += ", rejected \(report.rejectedCount)" }
                if report.lateUpdates > 0 { line += ", \(report.lateUpdates) arrived late (placed at their time)" }
                if report.tooLate > 0 { line += ", \(report.tooLate) too late (refused, --max-lateness)" }
                line += String(format: " in %.2f s (%.0f updates/s)", report.seconds, rate)
                print(line)
            }
        }
        let counts = (try? store.counts()) ?? (updates: 0, snapshots: 0)
        if json {
            let object: JSONValue = ["files": .array(summaries), "history": .string(store.path), "sequence": .number(Double(state.sequence)),
                                     "time": .stringOrNull(state.time?.description), "updates_stored": .number(Double(counts.updates))]
            print(JSONWriter.string(object, pretty: true))
        } else {
            print("history \(store.path): \(counts.updates) updates, \(counts.snapshots) snapshots; plant clock \(state.time?.description ?? "-")")
        }
        if rejectedAny { throw ExitCode(2) }
    }
}
