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
            Exit status: 0 every assertion held, 1 an assertion failed, 2 bad input.

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
        let report: ScenarioReport
        do {
            report = try player.play { fraction in bar.update(Int64(fraction * 1000), of: 1000) }
        } catch {
            bar.finish()
            throw CLIFailure.badInput(error.description)
        }
        bar.finish()
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
        if !report.passed {
            let failed = report.assertions.filter { !$0.passed }.count
            FileHandle.standardError.write(Data("twin: \(failed) assertion\(failed == 1 ? "" : "s") failed\n".utf8))
            throw ExitCode(1)
        }
    }
}
