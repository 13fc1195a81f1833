import ArgumentParser
import Foundation
import TwinDemo
import TwinGeometry

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a demo plant: plant.yaml, hall.glb and library models.",
        discussion: """
            demo: \(DemoPlantSpec.demo.machineCount) machines, about 150k triangles (committed in Assets/demo). \
            demo-large: \(DemoPlantSpec.large.machineCount) machines, over 1.5M triangles, for benchmarks (not committed). \
            The same preset and seed always give the same files.

            Examples:
              twin generate demo -o Assets/demo
              twin generate demo-large --seed 7
            """)

    @Argument(help: "The preset: demo or demo-large.")
    var preset: String = "demo"

    @Option(name: .shortAndLong, help: "Output folder (default: Assets/PRESET).")
    var output: String?

    @Option(help: "Seed for the generator (default: the preset's).")
    var seed: UInt64?

    func run() throws {
        guard var spec = DemoPlantSpec.preset(named: preset) else {
            throw CLIFailure.badInput("unknown preset '\(preset)' (expected demo or demo-large)")
        }
        if let seed { spec.seed = seed }
        let directory = output ?? "Assets/\(preset == "large" ? "demo-large" : preset)"
        let start = ContinuousClock.now
        let result: DemoPlantGenerator.Output
        do {
            // A bar on a terminal: demo-large takes a while to write.
            var bar = ProgressBar("generate \(preset)")
            result = try DemoPlantGenerator(spec: spec).write(to: directory) { step, done, total in
                bar.update(Int64(done), of: Int64(total), detail: step)
            }
            bar.finish()
        } catch {
            throw CLIFailure.cannotCreateFolder(directory, error)
        }
        let seconds = (ContinuousClock.now - start).seconds
        print("wrote \(directory)/plant.yaml: \(result.machines) machines, \(grouped(result.triangles)) triangles "
              + "(\(result.files.joined(separator: ", "))) in \(String(format: "%.2f", seconds)) s")
    }
}
