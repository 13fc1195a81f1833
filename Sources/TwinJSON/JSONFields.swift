/// Typed reads of decoded JSON whose errors name the field: the one way every module checks the
/// shape of a JSON document (VDA 5050 orders, collision cases, request bodies), so that the same
/// mistake reads the same everywhere ("expected a finite number, found a string").
extension JSONValue {
    /// This value as an object, or why not.
    public func object(_ field: String) throws(JSONError) -> JSONObject {
        guard case .object(let o) = self else { throw Self.expected("an object", found: self, field) }
        return o
    }

    /// This value as an array, or why not.
    public func array(_ field: String) throws(JSONError) -> [JSONValue] {
        guard case .array(let a) = self else { throw Self.expected("a list", found: self, field) }
        return a
    }

    /// This value as a string, or why not.
    public func string(_ field: String) throws(JSONError) -> String {
        guard case .string(let s) = self else { throw Self.expected("a string", found: self, field) }
        return s
    }

    /// This value as a finite number (the parser never yields another, but values built in code may).
    public func number(_ field: String) throws(JSONError) -> Double {
        guard case .number(let n) = self, n.isFinite else { throw Self.expected("a finite number", found: self, field) }
        return n
    }

    /// This value as a number within `range`; `what` says the range in words ("0 or more").
    public func number(_ field: String, in range: ClosedRange<Double>, _ what: String) throws(JSONError) -> Double {
        let n = try number(field)
        guard range.contains(n) else { throw JSONError(field: field, message: "must be \(what), found \(JSONWriter.number(n))") }
        return n
    }

    /// This value as a whole number within `range`.
    public func integer(_ field: String, in range: ClosedRange<Int>) throws(JSONError) -> Int {
        let n = try number(field)
        guard n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
            throw JSONError(field: field, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(JSONWriter.number(n))")
        }
        return Int(n)
    }

    /// This value as a boolean, or why not.
    public func bool(_ field: String) throws(JSONError) -> Bool {
        guard case .bool(let b) = self else { throw Self.expected("true or false", found: self, field) }
        return b
    }

    /// The string, if this value is one.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The number, if this value is one.
    public var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
    /// The object, if this value is one.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    /// The array, if this value is one.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    static func expected(_ what: String, found value: JSONValue, _ field: String) -> JSONError {
        JSONError(field: field, message: "expected \(what), found \(value.kindName)")
    }
}

extension JSONObject {
    /// The member `key`, required: its absence is an error naming `field`.
    public func required(_ key: String, _ field: String) throws(JSONError) -> JSONValue {
        guard let value = self[key] else { throw JSONError(field: field, message: "missing") }
        return value
    }
}
