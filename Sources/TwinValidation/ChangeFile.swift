import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState
import Yams

/// A layout change written as edits of a base plant, so that a change can be proposed without
/// re-exporting the hall from CAD:
///
/// ```yaml
/// name: Move M-011 half a metre east
/// base: ../demo/plant.yaml
/// edits:
///   - {edit: move, entity: M-011, dx: 0.5}
///   - {edit: add, entity: M-100, like: M-001, x: 30, y: 45, theta_deg: 90}
/// ```
///
/// The edits are those of updates (`move`, `add`, `remove`, `add_node`, `remove_node`,
/// `add_edge`, `remove_edge`).
public struct ChangeFile: Sendable {
    public var name: String
    public var file: String
    /// The base plant file, resolved against the change file's folder.
    public var basePath: String
    public var edits: [LayoutEdit]
    public var lines: [Int?]

    /// Whether the file is a change file (a YAML mapping with `base:` and `edits:`).
    public static func isChangeFile(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ext == "yaml" || ext == "yml", let text = try? String(contentsOfFile: path, encoding: .utf8),
              case .mapping(let mapping)? = try? Yams.compose(yaml: text, .basic) else { return false }
        return mapping.keys.contains { $0.string == "base" } && mapping.keys.contains { $0.string == "edits" }
    }

    /// Reads the change file at `path`; a wrong field is a ``ChangeError`` naming its line.
    public static func load(path: String) throws(ChangeError) -> ChangeFile {
        do throws(LayoutError) { return try read(path: path) } catch { throw ChangeError(error) }
    }

    static func read(path: String) throws(LayoutError) -> ChangeFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let top = try ManifestField.document(text, file: path, emptyMessage: "the change file is empty")
            .mapping(allowed: ["name", "description", "base", "edits"])
        let baseField = try top.required("base")
        let base = try baseField.string()
        let basePath = FilePaths.absolute(FilePaths.resolve(base, besides: path))
        guard FileManager.default.fileExists(atPath: basePath) else { throw .fileNotFound(path: basePath, referencedFrom: path, line: baseField.line) }
        var edits: [LayoutEdit] = [], lines: [Int?] = []
        for item in try top.required("edits").sequence() {
            guard case .object(var o) = try item.json() else { throw item.error("expected an edit such as {edit: move, entity: M-011, dx: 0.5}") }
            guard o["edit"] != nil else { throw item.error("missing 'edit' (move, add, remove, add_node, remove_node, add_edge, remove_edge)") }
            o.members.insert(.init(key: "t", value: .string("1970-01-01T00:00:00Z")), at: 0)
            let update: Update
            do throws(StateError) { update = try UpdateParser.update(from: .object(o)) } catch {
                throw item.error("\(error.field.isEmpty ? "" : error.field + ": ")\(error.message)")
            }
            guard case .edit(let edit) = update.action else { throw item.error("expected a layout edit") }
            edits.append(edit)
            lines.append(item.line)
        }
        let name = try top.optional("name")?.string() ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return ChangeFile(name: name, file: path, basePath: basePath, edits: edits, lines: lines)
    }

    /// The base plant with the edits made; an edit that does not apply names its line.
    public func apply(to base: Plant) throws(ChangeError) -> Plant {
        var state = PlantState(plant: base)
        for (k, edit) in edits.enumerated() {
            do throws(StateError) {
                try state.apply(Update(time: Timestamp(milliseconds: 0), action: .edit(edit)))
            } catch {
                throw ChangeError(file: file, line: lines[k], field: "edits[\(k)]\(error.field.isEmpty ? "" : "." + error.field)", message: error.message)
            }
        }
        var plant = base.edited(by: state)
        plant.name = name
        plant.source = file
        return plant
    }
}

/// Why a layout change cannot be read or applied, the one error type of TwinValidation (the
/// validator itself does not fail: it reports violations): the change file, the line and field.
public struct ChangeError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file; self.line = line; self.field = field; self.message = message
    }

    /// A layout error met while reading the file (its YAML, its base plant), in the same words.
    public init(_ error: LayoutError) {
        let place = error.place
        self.init(file: place.file, line: place.line, field: place.field, message: place.message)
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}
