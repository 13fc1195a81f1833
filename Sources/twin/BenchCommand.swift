import ArgumentParser
import Foundation
import TwinDemo
import TwinLayout

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure FactoryTwin: figures printed, nothing asserted.",
        subcommands: [LoadBench.self])
}

struct LoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a plant several times; print Assimp's parse time and our own processing apart.",
        discussion: "Without PLANT, loads Assets/demo-large/plant.yaml, generating it first if it is missing.")

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
        var reports: [LoadReport] = []
        var triangles = 0
        for _ in 0..<runs {
            let loaded = try load.loadPlant(path)
            reports.append(loaded.report)
            triangles = loaded.triangleCount
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let parse = median(reports.map(\.parseSeconds))
        let process = median(reports.map(\.processSeconds))
        let parts: [(String, Double)] = [
            ("manifest", median(reports.map(\.manifestSeconds))),
            ("import overhead (worker start, hand-over)", median(reports.map(\.importOverheadSeconds))),
            ("mesh cleaning (degenerates, normals)", median(reports.map(\.cleanSeconds))),
            ("flatten + bounds", median(reports.map(\.flattenSeconds))),
        ]
        let share = process / max(parse + process, 1e-12)
        if json {
            let object: [String: Any] = [
                "plant": path, "runs": runs, "triangles": triangles,
                "parse_s": parse, "process_s": process, "process_share": share,
                "process_parts_s": Dictionary(uniqueKeysWithValues: zip(["manifest", "import_overhead", "clean", "flatten"], parts.map(\.1))),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("twin bench load: \(path), \(grouped(triangles)) triangles, median of \(runs) loads")
        print(String(format: "  Assimp parse        %8.3f s", parse))
        print(String(format: "  our processing      %8.3f s  (%.1f%% of the whole; target under 25%%)", process, share * 100))
        for (name, seconds) in parts {
            print("    " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%8.3f s", seconds))
        }
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
            throw CLIFailure.badInput("cannot write Assets/demo-large: \(error.localizedDescription)")
        }
    }
    return path
}
