import TwinLayout
import TwinRender
import TwinState

/// Everything that can go wrong in plant operations, the one error type of TwinOperations: a twin
/// that cannot be made, a snapshot that cannot be drawn, a route that cannot be checked, a
/// scenario that cannot be played to its end. Errors of the modules below are carried as they are
/// (`layout`, `state`, `render`), so that their file, line and field reach the user unchanged.
public enum TwinError: Error, CustomStringConvertible, Equatable {
    /// The plant cannot be loaded.
    case layout(LayoutError)
    /// An update refused, a history that cannot be used.
    case state(StateError)
    /// A frame cannot be drawn.
    case render(RenderError)
    /// A camera name that is neither built in nor in the plant file.
    case unknownCamera(String, known: [String])
    /// A route id the layout does not have.
    case unknownRoute(String, known: [String])
    /// A route that names no AGV, checked without one.
    case noAGV(route: String)
    /// Two consecutive nodes of a route without an edge between them.
    case missingEdge(route: String, from: String, to: String)
    /// An AGV id that is not an AGV of the plant.
    case unknownAGV(String)
    /// A scenario file, or a condition in one, that cannot be used.
    case scenarioFile(file: String?, line: Int?, field: String, message: String)
    /// A scenario step that failed at `line` of its `file`: `error` says why.
    indirect case scenario(file: String, line: Int?, TwinError)
    /// A scenario's drive that cannot be started.
    case drive(file: String, line: Int?, String)
    /// A file the scenario player cannot write.
    case output(path: String, message: String)

    public var description: String {
        switch self {
        case .layout(let e): return e.description
        case .state(let e): return e.description
        case .render(let e): return e.description
        case let .unknownCamera(name, known): return "unknown camera '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .unknownRoute(id, known): return "unknown route '\(id)' (known: \(known.joined(separator: ", ")))"
        case .noAGV(let route): return "route \(route) names no AGV, and none was given (--agv)"
        case let .missingEdge(route, from, to): return "route \(route): no edge from '\(from)' to '\(to)'"
        case .unknownAGV(let id): return "unknown AGV '\(id)'"
        case let .scenario(file, line, error):
            if case .state(let e) = error, e.isRefusedUpdate {
                return "\(file):\(line.map(String.init) ?? "?"): the twin rejected an update: \(e)"
            }
            return "\(file):\(line.map(String.init) ?? "?"): \(error)"
        case let .scenarioFile(file, line, field, message):
            var place = file ?? ""
            if let line { place += place.isEmpty ? "line \(line)" : ":\(line)" }
            let head = place.isEmpty ? "" : place + ": "
            return field.isEmpty ? head + message : head + field + ": " + message
        case let .drive(file, line, message): return "\(file):\(line.map(String.init) ?? "?"): \(message)"
        case let .output(path, message): return "\(path): \(message)"
        }
    }
}
