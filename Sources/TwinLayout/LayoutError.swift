/// Everything that can go wrong while loading a layout, with the context a user needs to fix it.
/// `description` is the one-line message the CLI prints.
public enum LayoutError: Error, CustomStringConvertible, Equatable {
    /// A file that does not exist or cannot be read.
    case fileNotFound(path: String, referencedFrom: String?, line: Int?)
    /// A manifest that is not valid YAML, or a field with a wrong, missing or unknown value.
    case manifest(file: String, line: Int?, field: String, message: String)
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
        case let .importFailed(file, message):
            return "\(file): cannot import: \(message)"
        case let .importAborted(file, reason):
            return "\(file): import aborted: \(reason)"
        case let .unsupportedFile(path, message):
            return "\(path): \(message)"
        }
    }
}
