import TwinJSON

extension ManifestField {
    /// The deepest nesting turned into JSON, the JSON parser's own bound.
    package static let maximumJSONDepth = 64

    /// This YAML node as JSON (updates and edits written in YAML, in scenarios and change files):
    /// plain scalars that read as numbers, booleans or null become those; quoted scalars stay text.
    package func json() throws(LayoutError) -> JSONValue { try json(depth: 0) }

    func json(depth: Int) throws(LayoutError) -> JSONValue {
        guard depth <= Self.maximumJSONDepth else { throw error("nested deeper than \(Self.maximumJSONDepth) levels") }
        switch node {
        case .scalar(let s):
            if s.style == .plain || s.style == .any {
                switch s.string {
                case "true", "True", "TRUE", "yes": return .bool(true)
                case "false", "False", "FALSE", "no": return .bool(false)
                case "null", "~", "": return .null
                default:
                    if let n = Double(s.string), n.isFinite, s.string.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true { return .number(n) }
                }
            }
            return .string(s.string)
        case .sequence:
            var items: [JSONValue] = []
            for item in try sequence() { items.append(try item.json(depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var o = JSONObject()
            for (key, value) in mapping {
                guard let name = key.string else { throw error("a key is not text") }
                guard o[name] == nil else { throw error("the key '\(name)' twice") }
                o.append(name, try child(value, name).json(depth: depth + 1))
            }
            return .object(o)
        case .alias:
            throw error("YAML aliases are not supported here")
        }
    }
}
