import ArgumentParser
import CTwinSystem
import Foundation
import TwinLayout
import TwinRender

@main
struct TwinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twin",
        abstract: "FactoryTwin: a digital twin of a factory floor.",
        discussion: """
            Loads plant layouts (plant.yaml manifests or any model file Assimp reads), renders them, \
            checks AGV routes and layout changes, keeps their state and history, and follows them live. \
            Exit status: 0 success, 1 violations found, 2 bad input. 'twin help COMMAND' shows a command's \
            options with examples.

            Examples:
              twin info Assets/demo/plant.yaml
              twin render Assets/demo/plant.yaml --camera plan -o plan.png
              twin check Assets/demo/plant.yaml
              twin validate Assets/demo/plant.yaml Assets/changes/respace-line-1.yaml
            """,
        version: FactoryTwinVersion.string,
        subcommands: [InfoCommand.self, RenderCommand.self, CheckCommand.self, StateCommand.self, ReportCommand.self, ApplyCommand.self, RunCommand.self, ValidateCommand.self, PlanCommand.self, ImportCommand.self, ExportCommand.self, SyncCommand.self, ServeCommand.self, GenerateCommand.self, BenchCommand.self, ImportWorkerCommand.self])

    /// Runs the command line, mapping failures to the documented exit statuses: 1 for
    /// violations, 2 for bad input (usage errors included), with one line on stderr.
    static func main() {
        // Frames, scenes and imports allocate large buffers again and again: keep freed memory in
        // the heap for reuse instead of handing it back to the kernel and faulting in fresh,
        // zeroed pages the next time (a tenth of a frame's time, measured with perf). Not for the
        // long-running server and sync, whose memory should go back to the system between bursts.
        let longRunning = ["serve", "sync"].contains(CommandLine.arguments.dropFirst().first ?? "")
        if !longRunning {
            _ = twin_mallopt(twin_m_mmap_threshold, 1 << 30)
            _ = twin_mallopt(twin_m_trim_threshold, 1 << 30)
        }
        // A word where a command belongs that names none: said at once, with the nearest command,
        // instead of the root's help (for `twin rendr --help`) or "unexpected arguments".
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), first != "help" {
            let names = configuration.subcommands.compactMap { $0.configuration.shouldDisplay ? $0.configuration.commandName : nil }
            if !names.contains(first) && first != ImportWorkerCommand.configuration.commandName {
                let nearest = names.min { editDistance(first, $0) < editDistance(first, $1) }
                let hint = nearest.map { editDistance(first, $0) <= max(2, $0.count / 3) ? " (did you mean '\($0)'?)" : "" } ?? ""
                exitWithError("unknown command '\(first)'\(hint); the commands are \(names.joined(separator: ", ")) (see 'twin --help')")
            }
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            switch failure {
            case .badInput(let message), .violations(let message):
                exitWithError(message, code: failure.exitCode)
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode || error is CleanExit {
                exit(withError: error)
            }
            if code == .validationFailure {
                // One line, as every other error: the usage is a --help away.
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                // The command's own help: `twin bench validate --help`, not the group's.
                var path: [String] = []
                var level: [ParsableCommand.Type] = configuration.subcommands
                for word in CommandLine.arguments.dropFirst() {
                    guard let sub = level.first(where: { $0.configuration.commandName == word }) else { break }
                    path.append(word)
                    level = sub.configuration.subcommands
                }
                exitWithError("\(message.replacingOccurrences(of: "Error: ", with: "")) (see 'twin \(path.map { $0 + " " }.joined())--help')")
            }
            exit(withError: error)
        }
    }
}

/// The version that `twin --version` prints and PNG text chunks will carry.
enum FactoryTwinVersion {
    static let string = "0.1.0"
}

/// Options every command that loads a plant shares: the limits of the Assimp worker.
struct LoadOptions: ParsableArguments {
    @Option(name: .customLong("import-timeout"), help: "Seconds one model file may take to import before it is abandoned.")
    var importTimeoutSeconds: Double = 300

    @Option(name: .customLong("import-memory"), help: "Memory limit of the import worker, in MiB.")
    var importMemoryMiB: UInt64 = 16384

    func validate() throws {
        guard importTimeoutSeconds.isFinite, importTimeoutSeconds > 0 else {
            throw ValidationError("--import-timeout must be a positive number of seconds")
        }
        guard importMemoryMiB >= 64 else { throw ValidationError("--import-memory must be at least 64 MiB") }
    }

    var loader: PlantLoader {
        PlantLoader(importer: .isolatedInThisExecutable(timeoutSeconds: importTimeoutSeconds,
                                                         memoryLimitBytes: importMemoryMiB << 20))
    }

    /// Loads a plant, or prints the one-line error and exits with status 2. `inspect` sees the
    /// manifest (nil for a model file) before the models load: arguments that name what it lacks
    /// are refused without the wait.
    func loadPlant(_ path: String, inspect: (PlantManifest?) throws -> Void = { _ in }) throws -> Plant {
        do {
            return try loader.load(path: path, inspect: inspect)
        } catch let failure as CLIFailure {
            throw failure
        } catch let error as LayoutError {
            throw CLIFailure.badInput(error.description)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }
}

/// Ends a command with a one-line message on stderr and the exit status of its kind.
enum CLIFailure: Error {
    case badInput(String)
    case violations(String)
}

extension CLIFailure {
    /// Writing `path` failed: says why in words a user can act on.
    static func cannotWrite(_ path: String, _ error: any Error, what: String = "write") -> CLIFailure {
        .badInput("\(path): cannot \(what): \(WriteFailure.reason(writing: path, error))")
    }

    /// Creating the folder `path` (and those above it) failed.
    static func cannotCreateFolder(_ path: String, _ error: any Error) -> CLIFailure {
        .badInput("\(path): cannot create the folder: \(WriteFailure.reason(writing: path, error, creatingFolders: true))")
    }

    var exitCode: Int32 {
        switch self {
        case .badInput: return 2
        case .violations: return 1
        }
    }
}

/// Prints a one-line error and exits with the command's status for it: 2 for bad input.
func exitWithError(_ message: String, code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("twin: error: \(message)\n".utf8))
    exit(code)
}

/// The hidden worker that imports one model file for a parent process (see `SceneImporter`).
struct ImportWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-worker", abstract: "Imports one model file for a parent twin process.",
        shouldDisplay: false)

    @Argument var file: String
    @Argument var output: String
    @Argument var memoryLimitBytes: UInt64
    @Argument var parent: Int32?

    func run() throws {
        throw ExitCode(ImportWorker.run(file: file, output: output, memoryLimitBytes: memoryLimitBytes, parent: parent))
    }
}

/// Levenshtein distance between two words, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
