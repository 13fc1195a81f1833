import TwinJSON
import ArgumentParser
import Foundation
import TwinDemo
import TwinLayout

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure FactoryTwin: figures printed, nothing asserted.",
        discussion: """
            Each benchmark prints its figures next to a reference measured in the same run (Mesa's \
            llvmpipe, FCL, mosquitto) where there is one. The machines are shared and noisy: compare \
            ratios of one run, not figures across runs.

            Examples:
              twin bench load
              twin bench collision --plants demo
            """,
        subcommands: [LoadBench.self, RenderBench.self, ExactnessBench.self, CollisionBench.self, StateBench.self, ValidateBench.self, SyncBench.self, PlanBench.self])
}

struct LoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a plant several times; print Assimp's parse time and our own processing apart.",
        discussion: """
            Without PLANT, loads Assets/demo-large/plant.yaml, generating it first if it is missing.

            Examples:
              twin bench load
              twin bench load Assets/demo/plant.yaml
            """)

    @Argument(help: "A plant.yaml or model file (default: the demo-large plant).")
    var plant: String?

    @Option(help: "How many loads to time (the median is reported).")
    var runs: Int = 5

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (1...1000).contains(runs) else { throw ValidationError("--runs must be between 1 and 1000") }
    }

    func run() throws {
        let path = try plant ?? ensureDemoLarge()
        // Both modes in the same run, alternating, so that the machine's noise falls on both.
        let modes: [(name: String, loader: PlantLoader)] = [
            ("isolated worker (twin's default)", load.loader),
            ("in-process (trusted files)", PlantLoader(importer: SceneImporter(isolation: .inProcess))),
        ]
        var reports = [[LoadReport]](repeating: [], count: modes.count)
        var triangles = 0
        var progress = BenchProgress("twin bench load", steps: runs * modes.count, quiet: json)
        for run in 0..<runs {
            for (m, mode) in modes.enumerated() {
                progress.step("load \(run + 1), \(m == 0 ? "isolated" : "in-process")")
                do {
                    let plant = try mode.loader.load(path: path)
                    reports[m].append(plant.report)
                    triangles = plant.triangleCount
                } catch {
                    throw CLIFailure.badInput(error.description)
                }
            }
        }
        progress.finish()
        let figures = reports.map(LoadFigures.init)
        if json {
            var object: JSONObject = ["plant": .string(path), "runs": .number(Double(runs)), "triangles": .number(Double(triangles))]
            for (mode, f) in zip(["worker", "in_process"], figures) {
                object.append(mode, ["whole_s": .number(f.whole, places: 6), "parse_s": .number(f.parse, places: 6), "process_s": .number(f.process, places: 6),
                                     "process_share": .number(f.share, places: 4), "manifest_s": .number(f.manifest, places: 6),
                                     "import_overhead_s": .number(f.importOverhead, places: 6), "clean_s": .number(f.clean, places: 6),
                                     "flatten_s": .number(f.flatten, places: 6), "other_s": .number(f.other, places: 6)])
            }
            print(JSONWriter.string(.object(object)))
            return
        }
        print("twin bench load: \(path), \(grouped(triangles)) triangles, median of \(runs) loads per mode")
        let width = 44
        func row(_ label: String, _ values: [String]) {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + values.map { $0.padding(toLength: 36, withPad: " ", startingAt: 0) }.joined())
        }
        row("", modes.map(\.name))
        row("  whole load (wall time)", figures.map { String(format: "%.3f s", $0.whole) })
        row("  Assimp parse", figures.map { String(format: "%.3f s", $0.parse) })
        row("  our processing", figures.map { String(format: "%.3f s (%.1f%% of the whole)", $0.process, $0.share * 100) })
        row("    manifest (the models import meanwhile)", figures.map { String(format: "%.3f s", $0.manifest) })
        row("    import beyond parse and manifest", figures.map { String(format: "%.3f s", $0.importOverhead) })
        row("    mesh cleaning (degenerates, normals)", figures.map { String(format: "%.3f s", $0.clean) })
        row("    flatten + bounds", figures.map { String(format: "%.3f s", $0.flatten) })
        row("    other (binding entities, plant arrays)", figures.map { String(format: "%.3f s", $0.other) })
        print("target: our processing under 25% of the whole")
    }
}

/// The median of measurements (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Medians of one mode's load reports.
struct LoadFigures {
    var whole, parse, process, manifest, importOverhead, clean, flatten, other: Double
    var share: Double { process / max(parse + process, 1e-12) }

    init(_ reports: [LoadReport]) {
        whole = median(reports.map { $0.parseSeconds + $0.processSeconds })
        other = median(reports.map { max(0, $0.processSeconds - $0.manifestSeconds - $0.importOverheadSeconds - $0.cleanSeconds - $0.flattenSeconds) })
        parse = median(reports.map(\.parseSeconds))
        process = median(reports.map(\.processSeconds))
        manifest = median(reports.map(\.manifestSeconds))
        importOverhead = median(reports.map(\.importOverheadSeconds))
        clean = median(reports.map(\.cleanSeconds))
        flatten = median(reports.map(\.flattenSeconds))
    }
}

/// The path of the demo-large manifest, generated first when it is not there.
func ensureDemoLarge() throws -> String {
    let path = "Assets/demo-large/plant.yaml"
    if !FileManager.default.fileExists(atPath: path) {
        FileHandle.standardError.write(Data("generating Assets/demo-large (not committed; about a second)...\n".utf8))
        do {
            _ = try DemoPlantGenerator(spec: .large).write(to: "Assets/demo-large")
        } catch {
            throw CLIFailure.cannotCreateFolder("Assets/demo-large", error)
        }
    }
    return path
}

/// A benchmark's progress on stderr, so that a run of minutes is never silent: a bar on a
/// terminal, otherwise one line per step (a CI log shows where it is). Standard output is flushed
/// at each step, so that each figure stands in a piped log as soon as it is measured.
struct BenchProgress {
    let name: String
    let total: Int
    private(set) var done = 0
    private var bar: ProgressBar
    private let quiet: Bool

    /// `quiet` (for --json) keeps stderr silent too.
    init(_ name: String, steps: Int, quiet: Bool = false) {
        self.name = name
        total = max(1, steps)
        bar = ProgressBar(name)
        self.quiet = quiet
    }

    /// About to measure `what`, step `done + 1` of `total`.
    mutating func step(_ what: String) {
        fflush(nil)
        done += 1
        guard !quiet else { return }
        if bar.enabled {
            bar.update(Int64(done - 1), of: Int64(total), detail: "\(done)/\(total) \(what)")
        } else {
            FileHandle.standardError.write(Data("\(name): \(done)/\(total) \(what)\n".utf8))
        }
    }

    /// Clears the bar before a row of figures is printed under it.
    mutating func clear() { bar.clear() }

    func finish() {
        fflush(nil)
        bar.finish()
    }
}
