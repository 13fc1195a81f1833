import Yams

/// A YAML node of a manifest together with where it stands (file, line) and the dotted field
/// path that leads to it (`network.edges[3].end`), so that every error can name both.
package struct ManifestField {
    package let node: Node
    package let field: String
    package let file: String

    /// The root of a YAML document, or the one-line error naming the file and line.
    package static func document(_ text: String, file: String, emptyMessage: String) throws(LayoutError) -> ManifestField {
        do {
            // The basic resolver leaves every scalar a string: the fields convert and check their own
            // values, and Yams skips its per-scalar regular expressions.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw LayoutError.manifest(file: file, line: nil, field: "", message: emptyMessage)
            }
            return ManifestField(node: node, field: "", file: file)
        } catch let error as LayoutError {
            throw error
        } catch let error as YamlError {
            throw ManifestParser.describe(error, file: file)
        } catch {
            throw .manifest(file: file, line: nil, field: "", message: "not valid YAML: \(error)")
        }
    }

    package var line: Int? { node.mark?.line }

    package func error(_ message: String) -> LayoutError {
        .manifest(file: file, line: line, field: field, message: message)
    }

    package func child(_ node: Node, _ name: String) -> ManifestField {
        ManifestField(node: node, field: field.isEmpty ? name : "\(field).\(name)", file: file)
    }

    /// The node as a mapping whose keys must all be in `allowed`.
    package func mapping(allowed: [String]) throws(LayoutError) -> ManifestMapping {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping (key: value pairs)") }
        var values: [String: ManifestField] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw error("a key is not a string") }
            guard allowed.contains(name) else {
                throw ManifestField(node: key, field: field.isEmpty ? name : "\(field).\(name)", file: file)
                    .error("unknown field (expected one of: \(allowed.joined(separator: ", ")))")
            }
            values[name] = child(value, name)
        }
        return ManifestMapping(owner: self, values: values)
    }

    /// The node as a list of fields named `field[i]`.
    package func sequence() throws(LayoutError) -> [ManifestField] {
        guard case .sequence(let sequence) = node else { throw error("expected a list") }
        return sequence.enumerated().map { i, node in
            ManifestField(node: node, field: "\(field)[\(i)]", file: file)
        }
    }

    package func string() throws(LayoutError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        let text = scalar.string
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// An identifier: text without slashes, control characters or surrounding spaces.
    package func identifier() throws(LayoutError) -> String {
        let text = try string()
        guard text.trimmingCharacters(in: .whitespaces) == text,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw error("'\(text)' is not a valid id (no leading or trailing spaces, no control characters)")
        }
        return text
    }

    package func double() throws(LayoutError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string.trimmingCharacters(in: .whitespaces)) else {
            throw error("expected a number, found '\(nodeText)'")
        }
        guard value.isFinite else { throw error("must be a finite number, found '\(nodeText)'") }
        return value
    }

    package func positiveDouble() throws(LayoutError) -> Double {
        let value = try double()
        guard value > 0 else { throw error("must be greater than zero, found \(value)") }
        return value
    }

    package func nonNegativeDouble() throws(LayoutError) -> Double {
        let value = try double()
        guard value >= 0 else { throw error("must not be negative, found \(value)") }
        return value
    }

    package func int() throws(LayoutError) -> Int {
        guard case .scalar(let scalar) = node else { throw error("expected a whole number, found '\(nodeText)'") }
        if let value = Int(scalar.string) { return value }
        // `2.0` is a whole number too, as VDA 5050 orders (JSON) write it.
        guard let number = Double(scalar.string), number.rounded() == number, abs(number) < 1e15 else {
            throw error("expected a whole number, found '\(nodeText)'")
        }
        return Int(number)
    }

    package func bool() throws(LayoutError) -> Bool {
        switch nodeText.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(nodeText)'")
        }
    }

    /// A list of numbers with a count in `counts`.
    package func doubles(counts: ClosedRange<Int>) throws(LayoutError) -> [Double] {
        let items = try sequence()
        guard counts.contains(items.count) else {
            let expected = counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
            throw error("expected \(expected) numbers, found \(items.count)")
        }
        var values: [Double] = []
        for item in items { values.append(try item.double()) }
        return values
    }

    /// A 2D or 3D floor point `[x, y]` or `[x, y, z]` (z defaults to 0).
    package func floorPoint() throws(LayoutError) -> SIMD3<Double> {
        let v = try doubles(counts: 2...3)
        return SIMD3(v[0], v[1], v.count == 3 ? v[2] : 0)
    }

    private var nodeText: String {
        switch node {
        case .scalar(let s): return s.string
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

/// A mapping's fields by key, with required and optional access.
package struct ManifestMapping {
    package let owner: ManifestField
    package let values: [String: ManifestField]

    package func required(_ key: String) throws(LayoutError) -> ManifestField {
        guard let value = values[key] else {
            let field = owner.field.isEmpty ? key : "\(owner.field).\(key)"
            throw LayoutError.manifest(file: owner.file, line: owner.line, field: field, message: "missing required field")
        }
        return value
    }

    package func optional(_ key: String) -> ManifestField? {
        guard let value = values[key] else { return nil }
        if case .scalar(let s) = value.node, s.style == .plain || s.style == .any,
           ["", "~", "null", "Null", "NULL"].contains(s.string) {
            return nil
        }
        return value
    }
}
