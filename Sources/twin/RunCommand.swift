import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play a scenario: a timeline of updates, layout edits and AGV drives on a simulated clock.",
        discussion: """
            Plays the scenario as fast as the work allows, writes its frames, a report (report.json, report.md) \
            and the history of the run (history.sqlite) into --out, and shows a progress bar on a terminal. \
            Ctrl-C stops after the current step and writes the report of what was played, marked interrupted. \
            Exit status: 0 every assertion held, 1 an assertion failed, 2 bad input, 130 interrupted.

            Examples:
              twin run Assets/scenarios/machine-fault.yaml
              twin run Assets/scenarios/shift-start.yaml -o out/shift --json
            """)

    @Argument(help: "A scenario file (YAML).")
    var scenario: String

    @Option(name: .shortAndLong, help: "Output folder for frames, report and history (default: out/SCENARIO-NAME).")
    var out: String?

    @Flag(help: "Print the JSON report instead of a summary.")
    var json = false

    @OptionGroup var load: LoadOptions

    func run() throws {
        let loader = load.loader
        let script: Scenario
        var loadedPlant: Plant?
        do {
            script = try Scenario.load(path: scenario) { (path: String) throws(LayoutError) -> Plant in
                let plant = try loader.load(path: path)
                loadedPlant = plant
                return plant
            }
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        guard let plant = loadedPlant else { throw CLIFailure.badInput("\(scenario): the plant did not load") }
        let folder = out ?? "out/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw CLIFailure.cannotCreateFolder(folder, error)
        }
        // A run starts from the plant as loaded: its history is its own, begun afresh.
        let historyPath = (folder as NSString).appendingPathComponent("history.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: historyPath + suffix) }
        let twin: Twin
        do { twin = try Twin(plant: plant, history: try History(path: historyPath, plant: plant)) } catch {
            throw CLIFailure.badInput(error.description)
        }
        var player = ScenarioPlayer(scenario: script, twin: twin, outputDirectory: folder)
        player.software = FactoryTwinVersion.string
        var bar = ProgressBar(script.name)
        // Ctrl-C (or SIGTERM) stops the play after the step it is in: the history keeps every
        // update applied, and the report of what was played is written and said.
        let interruption = Interruption()
        let report: ScenarioReport
        do {
            report = try player.play(progress: { fraction in bar.update(Int64(fraction * 1000), of: 1000) },
                                     shouldStop: { interruption.requested })
        } catch {
            bar.finish()
            throw CLIFailure.badInput(error.description)
        }
        bar.finish()
        interruption.restore()
        let jsonText = JSONWriter.string(report.json(), pretty: true)
        do {
            try (jsonText + "\n").write(toFile: (folder as NSString).appendingPathComponent("report.json"), atomically: true, encoding: .utf8)
            try report.markdown(relativeTo: folder).write(toFile: (folder as NSString).appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        } catch {
            throw CLIFailure.cannotWrite(folder, error, what: "write the report")
        }
        if json {
            print(jsonText)
        } else {
            for a in report.assertions {
                print("\(a.passed ? "PASS" : "FAIL") \(a.time) \(a.condition)  (\(a.actual))")
            }
            let rate = report.wallSeconds > 0 ? report.simulatedSeconds / report.wallSeconds : 0
            print(String(format: "%@: %@ to %@, %.0f s simulated in %.2f s (%.0fx real time), %lld updates, %d frames, %d checks; report in %@/report.md",
                         report.name, report.start.description, report.end.description, report.simulatedSeconds, report.wallSeconds, rate,
                         report.updatesApplied, report.frames.count, report.checks.count, folder))
        }
        if report.interrupted {
            FileHandle.standardError.write(Data(
                "twin: interrupted at \(report.end) (simulated): the history up to then is in \(historyPath), the report of what was played in \(folder)/report.md\n".utf8))
            throw ExitCode(130)
        }
        if !report.passed {
            let failed = report.assertions.filter { !$0.passed }.count
            FileHandle.standardError.write(Data("twin: \(failed) assertion\(failed == 1 ? "" : "s") failed\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// SIGINT and SIGTERM turned into a flag a long loop polls, while it is armed; the default
/// handling (ending the process) comes back with `restore()`.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            sources.append(source)
        }
    }

    private func set() { lock.lock(); flag = true; lock.unlock() }

    var requested: Bool { lock.lock(); defer { lock.unlock() }; return flag }

    func restore() {
        for source in sources { source.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

