/// Writes JSON compactly or indented, members in the order given, numbers in their shortest
/// form that reads back to the same double.
public struct JSONWriter {
    /// `sortedKeys`: every object's members in the order of their keys, case aside as Foundation
    /// sorts them (for files compared byte for byte, such as the demo's glTF), else in the order given.
    public static func string(_ value: JSONValue, pretty: Bool = false, sortedKeys: Bool = false) -> String {
        var out = ""
        write(value, to: &out, indent: pretty ? 0 : nil, sorted: sortedKeys)
        return out
    }

    static func write(_ value: JSONValue, to out: inout String, indent: Int?, sorted: Bool) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line even when indented.
            let flat = indent == nil || items.allSatisfy { if case .object = $0 { return false }; if case .array = $0 { return false }; return true }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += flat ? (indent == nil ? "," : ", ") : "," }
                if !flat, let indent { newline(&out, indent + 1) }
                write(item, to: &out, indent: flat ? nil : indent.map { $0 + 1 }, sorted: sorted)
            }
            if !flat, let indent { newline(&out, indent) }
            out += "]"
        case .object(let object):
            if object.members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in (sorted ? object.members.sorted { ($0.key.lowercased(), $0.key) < ($1.key.lowercased(), $1.key) } : object.members).enumerated() {
                if i > 0 { out += "," }
                if let indent { newline(&out, indent + 1) }
                writeString(member.key, to: &out)
                out += indent == nil ? ":" : ": "
                write(member.value, to: &out, indent: indent.map { $0 + 1 }, sorted: sorted)
            }
            if let indent { newline(&out, indent) }
            out += "}"
        }
    }

    /// The text of `value` followed by a newline, as the CLI prints a result.
    public static func line(_ value: JSONValue, pretty: Bool = true) -> String { string(value, pretty: pretty) + "\n" }

    static func newline(_ out: inout String, _ level: Int) {
        out += "\n"
        out += String(repeating: "  ", count: level)
    }

    /// Integers print without a fraction; other doubles in Swift's shortest round-trip form.
    public static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
