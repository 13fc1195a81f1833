/// Everything that can go wrong while loading a layout (a manifest, its models, an AGV order or
/// fleet plan), the one error type of TwinLayout, with the context a user needs to fix it.
/// `description` is the one-line message the CLI prints.
public enum LayoutError: Error, CustomStringConvertible, Equatable {
    /// A file that does not exist or cannot be read.
    case fileNotFound(path: String, referencedFrom: String?, line: Int?)
    /// A manifest that is not valid YAML, or a field with a wrong, missing or unknown value.
    case manifest(file: String, line: Int?, field: String, message: String)
    /// A VDA 5050 order (JSON) with a wrong, missing or out-of-range field.
    case order(file: String, field: String, message: String)
    /// Assimp refused the file, with its own message.
    case importFailed(file: String, message: String)
    /// The import worker died or was stopped (a crash inside Assimp, the time or memory limit).
    case importAborted(file: String, reason: String)
    /// A file whose format nothing here reads.
    case unsupportedFile(path: String, message: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path, from, line):
            if let from {
                return "\(from)\(line.map { ":\($0)" } ?? ""): file not found: \(path)"
            }
            return "\(path): file not found"
        case let .manifest(file, line, field, message):
            let place = line.map { "\(file):\($0)" } ?? file
            return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
        case let .order(file, field, message):
            return field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)"
        case let .importFailed(file, message):
            return "\(file): cannot import: \(message)"
        case let .importAborted(file, reason):
            return "\(file): import aborted: \(reason)"
        case let .unsupportedFile(path, message):
            return "\(path): \(message)"
        }
    }

    /// The error as a place and a message, for modules that read other files with the manifest's
    /// field reader and say their errors in their own type: `description` is the same text.
    public var place: (file: String, line: Int?, field: String, message: String) {
        switch self {
        case let .fileNotFound(path, from, line):
            if let from { return (from, line, "", "file not found: \(path)") }
            return (path, nil, "", "file not found")
        case let .manifest(file, line, field, message): return (file, line, field, message)
        case let .order(file, field, message): return (file, nil, field, message)
        case let .importFailed(file, message): return (file, nil, "", "cannot import: \(message)")
        case let .importAborted(file, reason): return (file, nil, "", "import aborted: \(reason)")
        case let .unsupportedFile(path, message): return (path, nil, "", message)
        }
    }
}
