/// Everything that can go wrong in live sync, the one error type of TwinSync: a message skipped
/// (each kind counted in `/health` and logged), an MQTT connection that cannot be made, a token
/// file that cannot be used.
public enum SyncError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A payload over the size limit.
    case oversized(topic: String, bytes: Int)
    /// A payload that is not the message its topic carries (not JSON, a field of the wrong type).
    case malformed(topic: String, reason: String)
    /// A topic or entity the plant does not know.
    case unknown(topic: String, reason: String)
    /// The broker cannot be reached or the client cannot run.
    case mqtt(String)
    /// The work pool (renders and checks over HTTP) is full: answered 503 with Retry-After.
    case busy
    /// A token file with a wrong, missing or unknown field.
    case tokens(file: String, line: Int?, field: String, message: String)

    /// The kind of a skipped message, as `/health` counts it; for other errors their case name.
    public var kind: String {
        switch self {
        case .oversized: return "oversized"
        case .malformed: return "malformed"
        case .unknown: return "unknown"
        case .mqtt: return "mqtt"
        case .tokens: return "tokens"
        case .busy: return "busy"
        }
    }

    public var description: String {
        switch self {
        case let .oversized(topic, bytes): return "\(topic): a payload of \(bytes) bytes is over the limit"
        case let .malformed(topic, reason): return "\(topic): \(reason)"
        case let .unknown(topic, reason): return "\(topic): \(reason)"
        case .mqtt(let message): return message
        case .busy: return "every worker is busy and the queue is full; try again shortly"
        case let .tokens(file, line, field, message):
            let place = line.map { "\(file):\($0)" } ?? file
            return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
        }
    }
}
