/// Why JSON cannot be used, the one error type of TwinJSON: a text that is not JSON (with the byte
/// offset, and the line and column when it came from a file), a field of the wrong shape (with
/// its path, `nodes[2].nodePosition.x`), a file that cannot be read. Modules that read JSON files
/// carry the place and message into their own error.
public struct JSONError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The text is not JSON (RFC 8259).
        case syntax
        /// The JSON is well formed, but a field is missing or of the wrong kind or range.
        case field
        /// The file cannot be read (missing, a folder, too large, unreadable).
        case file
    }

    public var kind: Kind
    /// The file, when the JSON came from one.
    public var file: String?
    /// The byte offset (0-based) of a syntax error.
    public var offset: Int?
    /// Line and column (1-based) of a syntax error in a file.
    public var line: Int?
    public var column: Int?
    /// The path of the field (empty for the document itself).
    public var field: String
    public var message: String

    public init(kind: Kind = .field, file: String? = nil, offset: Int? = nil, line: Int? = nil, column: Int? = nil,
                field: String = "", message: String) {
        self.kind = kind; self.file = file; self.offset = offset; self.line = line; self.column = column
        self.field = field; self.message = message
    }

    /// A field of the wrong shape.
    public init(field: String, message: String) { self.init(kind: .field, field: field, message: message) }

    /// A text that is not JSON, at byte `offset`.
    public static func syntax(offset: Int, message: String) -> JSONError { JSONError(kind: .syntax, offset: offset, message: message) }

    /// A file that cannot be read, or (with `line` and `column`) is not JSON there.
    public static func file(_ path: String, line: Int? = nil, column: Int? = nil, message: String) -> JSONError {
        JSONError(kind: line == nil ? .file : .syntax, file: path, line: line, column: column, message: message)
    }

    /// The message without the file: what a caller puts after its own naming of the file.
    public var reason: String {
        if let line, let column { return "not valid JSON: line \(line), column \(column): \(message)" }
        if kind == .syntax, let offset { return "column \(offset + 1): \(message)" }
        return field.isEmpty ? message : "\(field): \(message)"
    }

    public var description: String { file.map { "\($0): \(reason)" } ?? reason }
}
