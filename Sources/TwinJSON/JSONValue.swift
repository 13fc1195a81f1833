/// A JSON value as the update parser reads it: objects keep their members in order, numbers are
/// doubles. Small on purpose: updates arrive by the million and are checked field by field.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The name of this kind of value, for error messages ("expected a number, found a string").
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object's members in the order they were written; keys are unique (the parser rejects
/// duplicates).
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    /// The value under `key`, if any (a linear scan: objects here have a handful of keys).
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }

    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }
}

// Literals, so that encoders read as the documents they write: `["id": "R-1", "clearance_m": 0.25]`.
// A dictionary literal keeps its order, which is the order the members are written in.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }

    /// A number, or null when there is none (a clearance that was not measured).
    public static func numberOrNull(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
    /// A 32-bit float in its own shortest form (0.58, not the 0.5799999833106995 of its double):
    /// what glTF files and other float data read back exactly.
    public static func float(_ value: Float) -> JSONValue {
        guard value.isFinite else { return .null }
        return .number(Double("\(value)") ?? Double(value))
    }
    /// A string, or null when there is none.
    public static func stringOrNull(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    /// A number rounded to `places` decimals: measured lengths and times without the noise of
    /// their last bits (0.30000000000000004 m is written 0.3 at micrometres).
    public static func number(_ value: Double, places: Int) -> JSONValue {
        guard value.isFinite else { return .null }
        let scale = JSONParser.powersOfTen[min(max(places, 0), 15)]
        let rounded = (value * scale).rounded() / scale
        return .number(rounded == 0 ? 0 : rounded)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { Member(key: $0.0, value: $0.1) })
    }

    /// Sets every member of `other` here, in its order (replacing members of the same key).
    public mutating func merge(_ other: JSONObject) {
        for member in other.members { self[set: member.key] = member.value }
    }

    /// Sets `key` to `value`: replaces the member when there is one, else appends it.
    public subscript(set key: String) -> JSONValue? {
        get { self[key] }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }
}
