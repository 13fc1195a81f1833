import ArgumentParser
import Foundation
import TwinDemo
import TwinGeometry
import TwinLayout
import TwinPlanning

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a demo plant, or a shift of transport orders for a plant.",
        discussion: """
            'twin generate demo' is short for 'twin generate plant demo'.

            Examples:
              twin generate demo -o Assets/demo
              twin generate orders Assets/demo/plant.yaml --shift 8h --seed 1 -o shift.jsonl
            """,
        subcommands: [GeneratePlantCommand.self, GenerateOrdersCommand.self],
        defaultSubcommand: GeneratePlantCommand.self)
}

struct GeneratePlantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plant",
        abstract: "Generate a demo plant: plant.yaml, hall.glb and library models.",
        discussion: """
            demo: \(DemoPlantSpec.demo.machineCount) machines, about 150k triangles (committed in Assets/demo). \
            demo-large: \(DemoPlantSpec.large.machineCount) machines, over 1.5M triangles, for benchmarks (not committed). \
            The same preset and seed always give the same files.

            Examples:
              twin generate plant demo -o Assets/demo
              twin generate plant demo-large --seed 7
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

struct GenerateOrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Generate a shift of transport orders from the machines' cycle times.",
        discussion: """
            Every machine with docks and a cycle_s is supplied from the racks' docks (the supermarket) each time \
            it has used up a load of parts, and its output goes out the same way: to the entities its links: \
            name, else back to the racks. One order in ten is urgent (priority 1, due in 7.5 minutes instead \
            of 15). The same plant, shift and seed give the same orders. Writes JSON Lines (or YAML for a \
            .yaml file) to -o, else to stdout.

            Examples:
              twin generate orders Assets/demo/plant.yaml --shift 8h --seed 1 -o shift.jsonl
              twin generate orders Assets/demo/plant.yaml --shift 2h --at-least 300 > short.jsonl
            """)

    @Argument(help: "A plant.yaml manifest with machines (docks, cycle_s) and racks (dock).")
    var plant: String

    @Option(help: "The shift's length: 8h, 90m, 3600s or plain seconds.")
    var shift: String = "8h"

    @Option(help: "Seed for the generator.")
    var seed: UInt64 = 1

    @Option(name: .customLong("parts-per-load"), help: "Parts in one load (default: 60).")
    var partsPerLoad: Double = ShiftGenerator.defaultPartsPerLoad

    @Option(name: .customLong("at-least"), help: "Resize the loads so that the shift holds at least this many orders.")
    var atLeast: Int?

    @Option(name: .shortAndLong, help: "Output file (.jsonl, or .yaml); default: stdout.")
    var output: String?

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard Self.seconds(shift) != nil else { throw ValidationError("--shift: expected a duration such as 8h, 90m or 3600s, found '\(shift)'") }
        guard partsPerLoad >= 1, partsPerLoad <= 100_000 else { throw ValidationError("--parts-per-load must lie within 1 and 100000") }
        if let atLeast, atLeast < 1 || atLeast > ShiftGenerator.maximumOrders {
            throw ValidationError("--at-least must lie within 1 and \(ShiftGenerator.maximumOrders)")
        }
    }

    /// `8h`, `90m`, `3600s`, `3600`: seconds, within a week.
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("h", 3600), ("min", 60), ("m", 60), ("s", 1)]
        var value: Double?
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            value = Double(text.dropLast(suffix.count)).map { $0 * factor }
            break
        }
        value = value ?? Double(text)
        guard let v = value, v.isFinite, v > 0, v <= 7 * 86_400 else { return nil }
        return v
    }

    func run() throws {
        let loaded = try load.loadPlant(plant)
        let generator = ShiftGenerator(shiftSeconds: Self.seconds(shift)!, seed: seed, partsPerLoad: partsPerLoad, atLeast: atLeast)
        let orders: [TransportOrder]
        do { orders = try generator.orders(for: loaded) } catch { throw CLIFailure.badInput("\(plant): \(error.description)") }
        let yaml = output.map { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") } ?? false
        var text = ""
        if yaml {
            text = "# \(orders.count) transport orders for \(loaded.name), written by `twin generate orders` (seed \(seed)).\norders:\n"
            for o in orders { text += "  - \(o.jsonLine)\n" }
        } else {
            text = orders.map(\.jsonLine).joined(separator: "\n") + "\n"
        }
        guard let output else { FileHandle.standardOutput.write(Data(text.utf8)); return }
        do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch { throw CLIFailure.cannotWrite(output, error) }
        FileHandle.standardError.write(Data("twin: wrote \(orders.count) orders to \(output)\n".utf8))
    }
}
