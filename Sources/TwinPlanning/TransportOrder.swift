import Foundation
import TwinJSON
import TwinLayout

/// A transport order: move one load from a place to another between a release and a due time.
///
/// JSON Lines, one order per line (times in seconds from the start of the shift):
///
/// ```json
/// {"id": "T-0001", "from": "R-01", "to": "M-003", "release_s": 0, "due_s": 900, "priority": 1, "load": "bin"}
/// ```
///
/// or YAML, the same fields under `orders:`. `from` and `to` name an entity (its outfeed dock
/// for `from`, its infeed dock for `to`) or a network node.
public struct TransportOrder: Sendable, Equatable {
    public var id: String
    /// As the order names them, and the network nodes they resolve to.
    public var from: String
    public var to: String
    public var pickup: String
    public var drop: String
    /// Seconds from the start of the shift.
    public var release: Double
    public var due: Double
    /// Higher first (0 by default).
    public var priority: Int
    /// The load type, when the order names one; only AGVs that carry it take the order.
    public var load: String?
    /// Seconds to pick up and to drop (from the docks' entities, else the default).
    public var pickupHandling: Double
    public var dropHandling: Double
    /// Where it was read (file line), for messages.
    public var line: Int?

    public init(id: String, from: String, to: String, pickup: String, drop: String, release: Double, due: Double,
                priority: Int = 0, load: String? = nil, pickupHandling: Double, dropHandling: Double, line: Int? = nil) {
        self.id = id; self.from = from; self.to = to; self.pickup = pickup; self.drop = drop
        self.release = release; self.due = due; self.priority = priority; self.load = load
        self.pickupHandling = pickupHandling; self.dropHandling = dropHandling; self.line = line
    }
}

/// Orders read from a file: those that can be planned, and one line for each that cannot.
public struct TransportOrderFile: Sendable {
    public var orders: [TransportOrder]
    /// `FILE:LINE: order ID: why`, in file order.
    public var rejected: [String]

    /// The most orders one file may hold, and the longest field text.
    public static let maximumOrders = 1_000_000
    static let maximumFieldLength = 200
    /// Seconds to hand over a load where the entity names no `handling_s`.
    public static let defaultHandling = 20.0

    /// Reads JSON Lines (`.jsonl`, `.ndjson`, or any file whose first character is `{`) or YAML
    /// (`orders:`), resolving places against `plant`. Unknown places, due before release, unknown
    /// load types, duplicate ids are rejected one by one; a file that cannot be read at all throws.
    public static func load(path: String, plant: Plant) throws(PlanningError) -> TransportOrderFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw .file(path, "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw .file(path, "not UTF-8 text") }
        return try parse(text, file: path, plant: plant)
    }

    public static func parse(_ text: String, file: String, plant: Plant) throws(PlanningError) -> TransportOrderFile {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard !trimmed.isEmpty else { throw .file(file, "the order file is empty") }
        var raw: [(fields: [String: RawValue], line: Int, problem: String?)] = []
        if trimmed.first == "{" {
            for (i, lineText) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = lineText.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                guard raw.count < maximumOrders else { throw .file(file, "more than \(maximumOrders) orders") }
                do {
                    guard case .object(let object) = try JSONParser.parse(line) else {
                        raw.append(([:], i + 1, "expected a JSON object")); continue
                    }
                    var fields: [String: RawValue] = [:]
                    var problem: String?
                    for member in object.members {
                        switch member.value {
                        case .string(let s): fields[member.key] = .text(s)
                        case .number(let n): fields[member.key] = .number(n)
                        case .null: continue
                        default: problem = problem ?? "\(member.key): expected a string or a number, found \(member.value.kindName)"
                        }
                    }
                    raw.append((fields, i + 1, problem))
                } catch {
                    raw.append(([:], i + 1, "not JSON: \(error.message)"))
                }
            }
        } else {
            do {
                let top = try ManifestField.document(text, file: file, emptyMessage: "the order file is empty").mapping(allowed: ["orders"])
                let items = try top.required("orders").sequence()
                guard items.count <= maximumOrders else { throw PlanningError.file(file, "more than \(maximumOrders) orders") }
                for item in items {
                    var fields: [String: RawValue] = [:]
                    var problem: String?
                    do {
                        let m = try item.mapping(allowed: TransportOrderFile.keys)
                        for key in TransportOrderFile.keys {
                            guard let f = m.optional(key) else { continue }
                            let s = try f.string()
                            fields[key] = Double(s).map { .number($0) } ?? .text(s)
                        }
                    } catch {
                        let prefix = "\(file):\(item.line ?? 0): "
                        problem = error.description.hasPrefix(prefix) ? String(error.description.dropFirst(prefix.count)) : error.description
                    }
                    raw.append((fields, item.line ?? 0, problem))
                }
            } catch let error as PlanningError {
                throw error
            } catch let error as LayoutError {
                throw .located(error.description)
            } catch {
                throw .file(file, "\(error)")
            }
        }
        var result = TransportOrderFile(orders: [], rejected: [])
        var seen = Set<String>()
        let loads = Set(plant.entities.flatMap(\.loadTypes))
        for (fields, line, problem) in raw {
            let id = fields["id"]?.text ?? "?"
            func reject(_ why: String) { result.rejected.append("\(file):\(line): order \(id): \(why)") }
            if let problem { reject(problem); continue }
            do {
                let order = try resolve(fields, line: line, plant: plant, loads: loads)
                guard seen.insert(order.id).inserted else { reject("the id is used twice"); continue }
                result.orders.append(order)
            } catch {
                reject(error.message)
            }
        }
        return result
    }

    static let keys = ["id", "from", "to", "release_s", "due_s", "priority", "load"]

    enum RawValue: Equatable {
        case text(String)
        case number(Double)
        var text: String? {
            switch self {
            case .text(let s): return s
            case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)
            }
        }
    }

    struct FieldError: Error { var message: String }

    static func resolve(_ fields: [String: RawValue], line: Int, plant: Plant, loads: Set<String>) throws(FieldError) -> TransportOrder {
        for key in fields.keys where !keys.contains(key) {
            throw FieldError(message: "unknown field '\(key)' (expected: \(keys.joined(separator: ", ")))")
        }
        func text(_ key: String) throws(FieldError) -> String {
            guard let v = fields[key], let s = v.text, !s.isEmpty else { throw FieldError(message: "\(key): missing") }
            guard s.count <= maximumFieldLength else { throw FieldError(message: "\(key): longer than \(maximumFieldLength) characters") }
            return s
        }
        func seconds(_ key: String) throws(FieldError) -> Double? {
            guard let v = fields[key] else { return nil }
            guard case .number(let n) = v, n.isFinite else { throw FieldError(message: "\(key): expected seconds (a number)") }
            guard n >= 0, n <= 366 * 86_400 else { throw FieldError(message: "\(key): must lie within 0 and a year of seconds, found \(n)") }
            return n
        }
        let id = try text("id")
        let from = try text("from"), to = try text("to")
        let release = try seconds("release_s") ?? 0
        guard let due = try seconds("due_s") else { throw FieldError(message: "due_s: missing") }
        guard due >= release else { throw FieldError(message: "due_s \(format(due)) lies before release_s \(format(release))") }
        var priority = 0
        if let p = fields["priority"] {
            guard case .number(let n) = p, n == n.rounded(), abs(n) <= 1000 else { throw FieldError(message: "priority: expected a whole number within -1000 and 1000") }
            priority = Int(n)
        }
        let load = fields["load"]?.text
        if let load, !loads.isEmpty, !loads.contains(load) {
            throw FieldError(message: "unknown load type '\(load)' (the AGVs carry: \(loads.sorted().joined(separator: ", ")))")
        }
        let (pickup, pickupHandling) = try place(from, outbound: true, plant: plant)
        let (drop, dropHandling) = try place(to, outbound: false, plant: plant)
        guard pickup != drop else { throw FieldError(message: "from and to are the same place (\(pickup))") }
        return TransportOrder(id: id, from: from, to: to, pickup: pickup, drop: drop, release: release, due: due, priority: priority,
                              load: load, pickupHandling: pickupHandling, dropHandling: dropHandling, line: line)
    }

    static func place(_ name: String, outbound: Bool, plant: Plant) throws(FieldError) -> (String, Double) {
        if let entity = plant.entity(id: name) {
            guard let docks = entity.docks else {
                throw FieldError(message: "\(outbound ? "from" : "to"): \(name) has no dock (the manifest gives it `docks: {in: NODE, out: NODE}` or `dock: NODE`)")
            }
            return (outbound ? docks.outbound : docks.inbound, docks.handlingSeconds ?? defaultHandling)
        }
        if plant.network.node(id: name) != nil { return (name, defaultHandling) }
        throw FieldError(message: "\(outbound ? "from" : "to"): unknown place '\(name)' (neither an entity nor a network node)")
    }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
}

extension TransportOrder {
    /// One JSON Lines line.
    public var jsonLine: String {
        var o = JSONObject()
        o.members.append(.init(key: "id", value: .string(id)))
        o.members.append(.init(key: "from", value: .string(from)))
        o.members.append(.init(key: "to", value: .string(to)))
        o.members.append(.init(key: "release_s", value: .number((release * 10).rounded() / 10)))
        o.members.append(.init(key: "due_s", value: .number((due * 10).rounded() / 10)))
        if priority != 0 { o.members.append(.init(key: "priority", value: .number(Double(priority)))) }
        if let load { o.members.append(.init(key: "load", value: .string(load))) }
        return JSONWriter.string(.object(o))
    }
}

/// Why planning cannot start: a file that cannot be read, a plant that cannot be planned on.
public enum PlanningError: Error, CustomStringConvertible, Sendable {
    case file(String, String)
    /// A message that names its file and line already.
    case located(String)
    case plant(String)
    case bug(String)

    public var description: String {
        switch self {
        case let .file(path, message): return "\(path): \(message)"
        case let .plant(message), let .located(message): return message
        case let .bug(message): return "internal error (a bug, please report it): \(message)"
        }
    }
}
