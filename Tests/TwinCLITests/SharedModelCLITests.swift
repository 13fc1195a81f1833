import Foundation
import Testing

/// Every file in ../shared/models/ through the CLI, whose Assimp runs in a worker process: each
/// loads with the README's counts or fails with one clear line and exit status 2, the file that
/// crashes Assimp included. Needs ../shared/ beside the checkout; skipped where it is absent.
@Suite("twin info on ../shared/models", .enabled(if: SharedModelTable.available, "needs ../shared/models"))
struct SharedModelCLITests {
    @Test(arguments: SharedModelTable.rows)
    func loadsOrFailsCleanly(_ row: SharedModelTable.Row) throws {
        let path = SharedModelTable.root + "/" + row.file
        let result = try TwinBinary.run(["info", path, "--json"], timeoutSeconds: 120)
        switch row.expected.split(separator: " ").first {
        case "ok":
            let numbers = row.expected.split(separator: " ").dropFirst().compactMap { Int($0) }
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(json["nodes"] as? Int == numbers[0])
            #expect(json["meshes"] as? Int == numbers[1])
            let kept = json["mesh_triangles"] as? Int ?? -1, dropped = json["degenerate_triangles_dropped"] as? Int ?? -1
            #expect(kept + dropped == numbers[2])
        case "error":
            // A message that names the file names it as the loader was given it (the README's rule).
            let message = row.expected.dropFirst("error ".count).replacingOccurrences(of: row.file, with: path)
            #expect(result.status == 2)
            #expect(result.stderr == "twin: error: \(path): cannot import: \(message)\n")
        default:
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("twin: error: \(path): import aborted: the Assimp library crashed on this file (segmentation fault) (peak memory "))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(result.seconds < 60)
    }
}

/// Every shared model that loads also renders, shaded and in the id pass, through the CLI.
@Suite("twin render on ../shared/models", .enabled(if: SharedModelTable.available, "needs ../shared/models"))
struct SharedModelRenderTests {
    @Test(arguments: SharedModelTable.rows.filter { $0.expected.hasPrefix("ok") })
    func rendersWithoutTrouble(_ row: SharedModelTable.Row) throws {
        let path = SharedModelTable.root + "/" + row.file
        for mode in ["shaded", "id"] {
            let out = NSTemporaryDirectory() + "twin-shared-\(UUID().uuidString).png"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try TwinBinary.run(["render", path, "--camera", "iso", "--size", "96x64", "--mode", mode, "-o", out])
            #expect(result.status == 0, "\(mode): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: out))
        }
    }
}

/// The README table of ../shared/models, read without the library's help.
enum SharedModelTable {
    static let root = URL(fileURLWithPath: TwinBinary.repository).deletingLastPathComponent()
        .appendingPathComponent("shared/models").path
    static var available: Bool { FileManager.default.fileExists(atPath: root + "/README.md") }

    struct Row: Sendable, CustomTestStringConvertible {
        var file: String
        var expected: String
        var testDescription: String { file }
    }

    static let rows: [Row] = {
        guard let text = try? String(contentsOfFile: root + "/README.md", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, cells[0].contains("/"), !cells[0].hasPrefix("-") else { return nil }
            return Row(file: cells[0], expected: cells[2])
        }
    }()
}
