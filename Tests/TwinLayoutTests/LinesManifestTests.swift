import Foundation
import Testing
@testable import TwinLayout

/// The manifest's `lines:` section, and each way to get it wrong as one line with its field.
@Suite("Manifest lines: machines in flow order and their conveyors")
struct LinesManifestTests {
    static func load(_ lines: String) throws -> Plant {
        let fixture = try Fixture()
        return try PlantLoader().load(path: try fixture.manifest(Fixture.valid + "\nlines:\n" + lines))
    }

    @Test func aLineIsRead() throws {
        let plant = try Self.load("  - {id: L-1, name: Cell line, machines: [P-1, R-1], within_m: 2}\n")
        #expect(plant.lines == [ProductionLine(id: "L-1", name: "Cell line", machines: ["P-1", "R-1"], conveyors: [], within: 2, line: plant.lines.first?.line)])
    }

    @Test(arguments: [
        ("  - {id: L-1, machines: [P-1, P-9]}\n", "lines[0].machines[1]: unknown entity 'P-9'"),
        ("  - {id: L-1, machines: [P-1, AGV-1]}\n", "lines[0].machines[1]: 'AGV-1' is an AGV, not a machine, conveyor, rack or station"),
        ("  - {id: L-1, machines: [P-1]}\n  - {id: L-2, machines: [R-1, P-1]}\n", "lines[1].machines[1]: 'P-1' is in line L-1 already (a machine belongs to one line)"),
        ("  - {id: L-1, machines: [P-1]}\n  - {id: L-1, machines: [R-1]}\n", "lines[1].id: duplicate line id 'L-1'"),
        ("  - {id: L-1, machines: []}\n", "lines[0].machines: a line has at least one machine"),
        ("  - {id: L-1, machines: [P-1], within_m: 0}\n", "lines[0].within_m: must be greater than zero, found 0.0"),
        ("  - {id: L-1, machines: [P-1], buffers: [R-1]}\n", "lines[0].buffers: unknown field (expected one of: id, name, machines, conveyors, within_m)"),
    ])
    func badLinesAreOneLine(lines: String, message: String) throws {
        do { _ = try Self.load(lines); Issue.record("accepted: \(lines)") } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
