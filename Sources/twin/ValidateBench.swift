import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState
import TwinValidation

struct ValidateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Time twin validate on demo-large: a one-machine move (what it touches) and a full validation.",
        discussion: """
            Without PLANT, uses Assets/demo-large/plant.yaml, generating it first if it is missing. Loading is timed apart.
            Every rule is on, the rules from practice too: the plant's doors are taken as exits (escape
            routes are walked on the floor grid), and racks are held to a forklift's working aisle
            (VDI 2198, a 1.95 m turning radius) unless the plant's rules give one.

            Examples:
              twin bench validate
              twin bench validate Assets/demo/plant.yaml
            """)

    @Argument(help: "A plant.yaml (default: the demo-large plant).")
    var plant: String?

    @Option(help: "The machine to move (default: the middle one).")
    var machine: String?

    @Option(help: "Runs of each measurement (the median is reported).")
    var runs = 3

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be between 1 and 100") }
    }

    func run() throws {
        let path = try plant ?? ensureDemoLarge()
        let loadStart = ContinuousClock.now
        var base = try load.loadPlant(path)
        base.doors = base.doors.map { var door = $0; door.exit = true; return door }
        if base.rules.forklift == nil {
            var aisle = LayoutRules.ForkliftAisle()
            aisle.turningRadius = 1.95; aisle.loadDistance = 0.45
            base.rules.forklift = aisle
        }
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let machines = base.entities.filter { $0.category == .machine }
        guard let moved = machine ?? machines.dropFirst(machines.count / 2).first?.id else { throw CLIFailure.badInput("\(path) has no machines") }
        var state = PlantState(plant: base)
        do { try state.apply(Update(time: Timestamp(milliseconds: 0), action: .edit(.move(entity: moved, .init(dx: 0.3, dtheta: .pi / 36))))) } catch {
            throw CLIFailure.badInput(error.description)
        }
        let new = base.edited(by: state)
        var incremental: [Double] = [], full: [Double] = []
        var changeViolations = 0, fullViolations = 0
        var changeCoverage = Validator.Coverage(), fullCoverage = Validator.Coverage()
        var progress = BenchProgress("twin bench validate", steps: runs, quiet: json)
        for run in 0..<runs {
            progress.step("run \(run + 1): the move, then everything")
            var start = ContinuousClock.now
            let diff = LayoutDiff(base: base, new: new)
            let validator = Validator(plant: new)
            changeViolations = validator.validate(changes: diff).count
            incremental.append((ContinuousClock.now - start).seconds)
            changeCoverage = validator.coverage
            start = ContinuousClock.now
            let whole = Validator(plant: new)
            fullViolations = whole.validate().count
            full.append((ContinuousClock.now - start).seconds)
            fullCoverage = whole.coverage
        }
        progress.finish()
        if json {
            let object: JSONValue = ["plant": .string(path), "load_s": .number(loadSeconds, places: 6), "moved": .string(moved),
                                     "change_s": .number(median(incremental), places: 6), "full_s": .number(median(full), places: 6),
                                     "change_violations": .number(Double(changeViolations)), "full_violations": .number(Double(fullViolations)),
                                     "runs": .number(Double(runs))]
            print(JSONWriter.string(object))
            return
        }
        print("twin bench validate: \(path), \(machines.count) machines, \(grouped(base.triangleCount)) triangles (loaded in \(String(format: "%.2f", loadSeconds)) s, not counted)")
        print(String(format: "  one-machine move (%@ by 0.3 m and 5 deg), what it touches:  %.3f s (median of %d; target under 1 s): %d violations; %d parts built, %d part pairs, %d routes, %d aisle samples",
                     moved, median(incremental), runs, changeViolations, changeCoverage.partsBuilt, changeCoverage.partPairs, changeCoverage.routes, changeCoverage.aisleSamples))
        print(String(format: "  full validation, every rule everywhere:                 %.3f s (median of %d; target under 5 s): %d violations; %d parts built, %d part pairs, %d wall pairs, %d routes, %d aisle samples, %d stations, %@",
                     median(full), runs, fullViolations, fullCoverage.partsBuilt, fullCoverage.partPairs, fullCoverage.wallPairs, fullCoverage.routes, fullCoverage.aisleSamples, fullCoverage.stations,
                     fullCoverage.practiceSummary))
    }
}
