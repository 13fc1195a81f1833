/// A strict RFC 8259 parser over UTF-8 bytes. It exists because updates arrive by the million:
/// it reads a 120-byte update in well under a microsecond, allocates only the values it returns,
/// and reports the column of the first error.
public struct JSONParser {
    /// Parses one JSON text (a whole line of a JSON Lines file, say).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONError> = copy.withUTF8 { buffer in
            do throws(JSONError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static let maximumDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ message: String) -> JSONError { JSONError.syntax(offset: position, message: message) }

    mutating func skipSpace() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position += 1
        }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try object(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error(Self.unexpected(bytes[position]))
        }
    }

    /// A byte where a value should begin: printable ASCII as itself, anything else in hex.
    static func unexpected(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "unexpected character '\(Character(Unicode.Scalar(byte)))'" : "unexpected byte 0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of the text") }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] {
            throw error("unknown literal (expected true, false or null)")
        }
        position += count
    }

    mutating func object(depth: Int) throws(JSONError) -> JSONObject {
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        position += 1
        var result = JSONObject()
        // Duplicate keys: a scan of the few members an update has; past that, a set, so that an
        // object of many keys costs linear time, not quadratic (MQTT payloads reach this parser).
        var seen: Set<String>? = nil
        skipSpace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") { position += 1; return result }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name in quotes") }
            let keyStart = position
            let key = try string()
            let duplicate: Bool
            if var keys = seen {
                seen = nil
                duplicate = !keys.insert(key).inserted
                seen = keys
            } else if result.members.count < 16 {
                duplicate = result.members.contains { $0.key == key }
            } else {
                var keys = Set(result.members.map(\.key))
                duplicate = !keys.insert(key).inserted
                seen = keys
            }
            if duplicate {
                let shown = key.count > 60 ? key.prefix(60) + "..." : Substring(key)
                throw JSONError.syntax(offset: keyStart, message: "duplicate key '\(shown)'")
            }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after the member name") }
            position += 1
            skipSpace()
            result.append(key, try value(depth: depth))
            skipSpace()
            guard position < bytes.count else { throw error("unexpected end of the text inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return result }
            throw error("expected ',' or '}' in an object")
        }
    }

    mutating func array(depth: Int) throws(JSONError) -> [JSONValue] {
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
        position += 1
        var result: [JSONValue] = []
        skipSpace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") { position += 1; return result }
        while true {
            skipSpace()
            result.append(try value(depth: depth))
            skipSpace()
            guard position < bytes.count else { throw error("unexpected end of the text inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return result }
            throw error("expected ',' or ']' in an array")
        }
    }

    mutating func string() throws(JSONError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        var high: UInt8 = 0
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                // ASCII is valid UTF-8 as it stands: only other text is validated (which costs a
                // generic call, a quarter of the parse time when done for every key).
                if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw JSONError.syntax(offset: start, message: "a string that is not valid UTF-8")
                }
                return text
            }
            high |= c
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("a control character inside a string (escape it)") }
            position += 1
        }
        var scalars = Array(bytes[start..<position])
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: scalars, as: UTF8.self) else {
                    throw JSONError.syntax(offset: start, message: "a string that is not valid UTF-8")
                }
                return text
            }
            if c < 0x20 { throw error("a control character inside a string (escape it)") }
            if c != UInt8(ascii: "\\") { scalars.append(c); position += 1; continue }
            guard position + 1 < bytes.count else { break }
            let escaped = bytes[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "\""): scalars.append(0x22)
            case UInt8(ascii: "\\"): scalars.append(0x5C)
            case UInt8(ascii: "/"): scalars.append(0x2F)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("a lone UTF-16 surrogate in \\u escape")
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("a lone UTF-16 surrogate in \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(code) {
                    throw error("a lone UTF-16 surrogate in \\u escape")
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
                scalars.append(contentsOf: String(Character(scalar)).utf8)
            default:
                position -= 2
                throw error("an unknown escape '\\\(Character(Unicode.Scalar(escaped)))'")
            }
        }
        throw JSONError.syntax(offset: start - 1, message: "a string without its closing quote")
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("an incomplete \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("an invalid hex digit in a \\u escape")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    /// Exact powers of ten: a mantissa below 2^53 divided or multiplied by one of these is
    /// correctly rounded (one IEEE operation on exact operands).
    static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    mutating func number() throws(JSONError) -> Double {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") { negative = true; position += 1 }
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
            throw error("a number needs digits")
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                throw error("a number with a leading zero")
            }
        } else {
            while position < bytes.count, case let c = bytes[position], c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(c - UInt8(ascii: "0")) }
                digits += 1
                position += 1
            }
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < bytes.count, case let c = bytes[position], c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(c - UInt8(ascii: "0")); fractionDigits += 1 }
                if mantissa != 0 || c != UInt8(ascii: "0") { digits += 1 }
                position += 1
            }
            guard position > fractionStart else { throw error("a number needs digits after its decimal point") }
        }
        var hasExponent = false
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            hasExponent = true
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) { position += 1 }
            let exponentStart = position
            while position < bytes.count, case let c = bytes[position], c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { position += 1 }
            guard position > exponentStart else { throw error("a number needs digits in its exponent") }
        }
        if !hasExponent && digits <= 15 && fractionDigits <= 22 {
            let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONError.syntax(offset: start, message: "a number out of range")
        }
        return value
    }
}
