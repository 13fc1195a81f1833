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

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a layout change (or one layout) against the plant's rules; fail on a violation.",
        discussion: """
            twin validate BASE NEW compares two layouts (plant manifests, model files, or change files: a base \
            plant and edits) and checks what the change touches; twin validate PLANT checks every rule of one \
            layout; twin validate CHANGE checks a change file against its base. Rules come from the manifest's \
            rules: section (see docs/validation.md): no two parts cross, clearances between machines (and other parts where asked) and to walls, every part inside the building, \
            keep-out and walkway zones free, every route clear by its AGV's margin, stations reachable, aisles wide \
            enough. Exit status: 0 clean, 1 violations, 2 bad input.

            Examples:
              twin validate Assets/demo/plant.yaml Assets/changes/respace-line-1.yaml
              twin validate Assets/changes/block-the-loop.yaml --report r.md --image r.png
              twin validate Assets/demo/plant.yaml --json
            """)

    @Argument(help: "The base layout, or the one layout to check.")
    var first: String

    @Argument(help: "The new layout.")
    var second: String?

    @Flag(help: "Check every rule everywhere, not only what the change touches.")
    var full = false

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Write a Markdown report (for a pull-request comment).")
    var report: String?

    @Option(help: "Write a plan view with the change and the violations marked.")
    var image: String?

    @Option(name: .customLong("image-url"), help: "Where the report's reader finds the image (a CI artifact's or an upload's address); default: its path from the report's folder.")
    var imageURL: String?

    @OptionGroup var load: LoadOptions

    func validate() throws {
        if let imageURL {
            guard report != nil, image != nil else { throw ValidationError("--image-url names where the --image of a --report is found: give all three") }
            guard imageURL.count <= 2048, !imageURL.contains(where: { $0.isWhitespace || $0 == ")" || $0 == "(" }) else {
                throw ValidationError("--image-url must be an address of at most 2048 characters without spaces or parentheses")
            }
        }
    }

    /// Plants loaded so far, by absolute path: a change file's base that is also the first
    /// argument (or the base of a change given alone) is loaded once.
    final class Loaded {
        var plants: [String: Plant] = [:]
    }

    func loadPlant(_ path: String, _ loaded: Loaded) throws -> Plant {
        let key = FilePaths.absolute(path)
        if let plant = loaded.plants[key] { return plant }
        let plant = try load.loadPlant(path)
        loaded.plants[key] = plant
        return plant
    }

    /// A layout: a plant, or a change file's base with its edits made (and that base).
    func loadLayout(_ path: String, _ loaded: Loaded) throws -> (Plant, base: (path: String, plant: Plant)?) {
        if ChangeFile.isChangeFile(path) {
            let change: ChangeFile
            do { change = try ChangeFile.load(path: path) } catch { throw CLIFailure.badInput(error.description) }
            let base = try loadPlant(change.basePath, loaded)
            do { return (try change.apply(to: base), (change.basePath, base)) } catch { throw CLIFailure.badInput(error.description) }
        }
        return (try loadPlant(path, loaded), nil)
    }

    func run() throws {
        var basePlant: Plant?, newPlant: Plant, baseName: String?, newName: String
        let loaded = Loaded()
        if let second {
            basePlant = try loadLayout(first, loaded).0
            newPlant = try loadLayout(second, loaded).0
            baseName = first; newName = second
        } else {
            let (plant, base) = try loadLayout(first, loaded)
            newPlant = plant; newName = first
            if let base {
                basePlant = base.plant
                let here = FileManager.default.currentDirectoryPath + "/"
                baseName = base.path.hasPrefix(here) ? String(base.path.dropFirst(here.count)) : base.path
            }
        }
        let start = ContinuousClock.now
        let diff = basePlant.map { LayoutDiff(base: $0, new: newPlant) }
        let validator = Validator(plant: newPlant)
        let incremental = diff != nil && !full
        // A bar on a terminal: a full validation of a large plant takes seconds.
        var bar = ProgressBar("validate")
        let violations = validator.validate(changes: incremental ? diff : nil) { step, done, total in
            bar.update(Int64(done), of: Int64(total), detail: step)
        }
        bar.finish()
        let result = ValidationReport(base: baseName, new: newName, mode: incremental ? "changes" : "full", diff: diff,
                                      violations: violations, coverage: validator.coverage, seconds: (ContinuousClock.now - start).seconds,
                                      warnings: validator.warnings, combinedFixes: validator.combinedFixes)
        if let image {
            let picture: Image
            do { picture = try DiffImage.render(base: basePlant, new: newPlant, diff: diff, violations: violations) } catch {
                throw CLIFailure.badInput("\(image): \(error)")
            }
            do {
                try PNGEncoder.write(picture, to: image, text: [("Title", result.passed ? "passed" : "\(violations.count) violations"),
                                                              ("Software", "FactoryTwin \(FactoryTwinVersion.string)")])
            } catch {
                throw CLIFailure.badInput(error.description)   // names the file
            }
        }
        if let report {
            let relativeImage = image.map { path -> String in
                let folder = (report as NSString).deletingLastPathComponent
                return folder.isEmpty || !path.hasPrefix(folder + "/") ? path : String(path.dropFirst(folder.count + 1))
            }
            do { try result.markdown(image: imageURL ?? relativeImage).write(toFile: report, atomically: true, encoding: .utf8) } catch {
                throw CLIFailure.cannotWrite(report, error)
            }
        }
        if json {
            print(JSONWriter.string(result.json(), pretty: true))
        } else {
            if let diff {
                var parts: [String] = []
                if !diff.moved.isEmpty { parts.append("moved " + diff.moved.map {
                    String(format: "%@ (dx %+.2f m, dy %+.2f m%@)", $0.id, $0.dx, $0.dy, abs($0.dthetaDegrees) > 0.01 ? String(format: ", %+.1f deg", $0.dthetaDegrees) : "")
                }.joined(separator: ", ")) }
                if !diff.added.isEmpty { parts.append("added " + diff.added.joined(separator: ", ")) }
                if !diff.removed.isEmpty { parts.append("removed " + diff.removed.joined(separator: ", ")) }
                if !diff.resized.isEmpty { parts.append("resized " + diff.resized.map(\.id).joined(separator: ", ")) }
                if !diff.remodeled.isEmpty { parts.append("new model " + diff.remodeled.map(\.id).joined(separator: ", ")) }
                if diff.networkChanged { parts.append("network edited") }
                print("changes: " + (parts.isEmpty ? "none" : parts.joined(separator: "; ")))
            }
            for v in violations { print("VIOLATION \(v.rule.rawValue): \(v.message)" + (v.fix.map { " (fix: \($0))" } ?? "")) }
            for f in validator.combinedFixes { print("FIX: \(f.move) fixes all \(f.violations) of \(f.entity)'s violations") }
            for w in validator.warnings { print("WARNING: \(w.message)") }
            let c = validator.coverage
            print(String(format: "%@: %@ (%@; %d part pairs, %d wall pairs, %d parts against the building, %d zone tests, %d safety zones, %d routes, %d aisle samples, %d stations%@ checked in %.2f s)",
                         newName, result.passed ? "passed" : "\(violations.count) violation\(violations.count == 1 ? "" : "s")",
                         incremental ? "what the change touches" : "every rule", c.partPairs, c.wallPairs, c.buildingTests, c.zoneTests, c.safetyZones, c.routes,
                         c.aisleSamples, c.stations, c.practiceSummary.isEmpty ? "" : ", " + c.practiceSummary, result.seconds))
        }
        if !result.passed { throw ExitCode(1) }
    }
}
