import Foundation
import Testing
@testable import TwinLayout

/// The real model files in ../shared/models/, with what Assimp 5.2 gives for each in the table of
/// its README. These tests need ../shared/ beside the checkout and are skipped where it is absent.
enum SharedModels {
    static let root: String = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/models").path
    }()

    static var available: Bool { FileManager.default.fileExists(atPath: root + "/README.md") }

    /// One row of the README's table.
    struct Expectation: Sendable, CustomTestStringConvertible {
        enum Outcome: Sendable { case ok(nodes: Int, meshes: Int, triangles: Int), error(String), crash }
        var file: String
        var outcome: Outcome
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = {
        guard let text = try? String(contentsOfFile: root + "/README.md", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Expectation? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, cells[0].contains("/"), !cells[0].hasPrefix("-") else { return nil }
            let words = cells[2].split(separator: " ")
            switch words.first {
            case "ok" where words.count >= 4:
                return Expectation(file: cells[0], outcome: .ok(nodes: Int(words[1])!, meshes: Int(words[2])!, triangles: Int(words[3])!))
            case "error":
                return Expectation(file: cells[0], outcome: .error(words.dropFirst().joined(separator: " ")))
            case "crash":
                return Expectation(file: cells[0], outcome: .crash)
            default:
                return nil
            }
        }
    }()
}

@Suite("The real model files in ../shared/models", .enabled(if: SharedModels.available, "needs ../shared/models"))
struct SharedModelTests {
    @Test func theREADMETableIsRead() {
        #expect(SharedModels.expectations.count >= 20)
        #expect(SharedModels.expectations.contains { if case .crash = $0.outcome { true } else { false } })
    }

    /// In this process (the crash row runs through the CLI's worker in TwinCLITests).
    @Test(arguments: SharedModels.expectations.filter { if case .crash = $0.outcome { false } else { true } })
    func loadsWithTheListedCountsOrFailsWithAssimpsMessage(_ expectation: SharedModels.Expectation) throws {
        let path = SharedModels.root + "/" + expectation.file
        switch expectation.outcome {
        case let .ok(nodes, meshes, triangles):
            let plant = try PlantLoader().load(path: path)
            #expect(plant.nodes.count == nodes)
            #expect(plant.meshes.count == meshes)
            #expect(plant.meshTriangleCount + plant.report.degenerateTriangles == triangles)
            #expect(!plant.bounds.isEmpty)
            #expect(plant.meshes.allSatisfy { $0.geometry.normals.count == $0.geometry.positions.count })
        case .error(let message):
            // A message that names the file names it as the loader was given it (the README's rule).
            let given = message.replacingOccurrences(of: expectation.file, with: path)
            #expect(throws: LayoutError.importFailed(file: path, message: given)) {
                try PlantLoader().load(path: path)
            }
        case .crash:
            break
        }
    }
}
