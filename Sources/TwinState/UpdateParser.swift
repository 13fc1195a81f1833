import TwinJSON
import TwinGeometry
import TwinLayout

/// Reads updates from JSON: one object per line of a JSON Lines file.
///
/// State updates: `{"t": TIME, "entity": ID, "set": {...}}`, optionally with `"add": {"counters": {...}}`
/// (increments) and `"fix": {"counters": {...}}` (corrections: a lower value that is not a reset).
/// The `set` fields: `status` with its `reasons` (``StatusReason``), `signals` (name to a number, string, boolean or `{"value", "unit"}`),
/// `counters`; `running`, `speed_mps` for conveyors; `pose` `{x, y, theta}`, `velocity`
/// `{vx, vy, omega}`, `driving`, `battery` (percent), `operating_mode`, `loads`, `errors`,
/// `last_node`, `order` for AGVs.
///
/// Layout edits: `{"t": TIME, "edit": KIND, ...}` with KIND one of `move` (`entity`; `x`, `y`,
/// `theta_deg` or `dx`, `dy`, `dtheta_deg`), `add` (`entity`, `category`, `kind`, `like` or `size`
/// [length, width, height], `x`, `y`, `theta_deg`), `remove` (`entity`), `add_node` (`node`, `x`,
/// `y`, `theta_deg`), `remove_node` (`node`), `add_edge` (`edge`, `from`, `to`, `bidirectional`),
/// `remove_edge` (`edge`). Angles may be given in radians instead (`theta`, `dtheta`), as VDA 5050
/// gives them; the state document writes radians so that it reads back exactly.
public enum UpdateParser {
    /// Parses one line. Errors name the field; the caller adds the file and line.
    public static func parse(line bytes: UnsafeBufferPointer<UInt8>) throws(StateError) -> Update {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw StateError(field: "", message: "not valid JSON: \(error)")
        }
        return try update(from: value)
    }

    public static func parse(line: String) throws(StateError) -> Update {
        var copy = line
        let result: Result<Update, StateError> = copy.withUTF8 { buffer in
            do throws(StateError) { return .success(try parse(line: buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// An update from a parsed JSON object.
    public static func update(from value: JSONValue) throws(StateError) -> Update {
        guard case .object(let object) = value else { throw StateError(field: "", message: "expected a JSON object, found \(value.kindName)") }
        guard let t = object["t"] else { throw StateError(field: "t", message: "missing (the time of the update, ISO 8601)") }
        let time = try timestamp(t, field: "t")
        if let kind = object["edit"] {
            return Update(time: time, action: .edit(try edit(kind, object)))
        }
        try allow(object, ["t", "entity", "set", "add", "fix"], "", hint: "an update has t, entity and set, or t and edit")
        guard let entityValue = object["entity"] else { throw StateError(field: "entity", message: "missing (or give 'edit' for a layout edit)") }
        let entity = try identifier(entityValue, field: "entity")
        var changes: [Change] = []
        if let set = object["set"] {
            try self.changes(set, field: "set", into: &changes)
        }
        if let add = object["add"] {
            let a = try obj(add, "add")
            try allow(a, ["counters"], "add")
            if let counters = a["counters"] {
                for member in try obj(counters, "add.counters").members {
                    changes.append(.counterIncrement(member.key, try integer(member.value, field: "add.counters.\(member.key)")))
                }
            }
        }
        if let fix = object["fix"] {
            let a = try obj(fix, "fix")
            try allow(a, ["counters"], "fix")
            if let counters = a["counters"] {
                for member in try obj(counters, "fix.counters").members {
                    changes.append(.counterCorrection(member.key, try integer(member.value, field: "fix.counters.\(member.key)")))
                }
            }
        }
        guard !changes.isEmpty else { throw StateError(field: "set", message: "missing or empty (nothing to update)") }
        return Update(time: time, action: .set(entity: entity, changes: changes))
    }

    static let setFields = ["status", "reasons", "signals", "counters", "running", "speed_mps", "pose", "velocity", "driving", "battery",
                            "operating_mode", "loads", "errors", "last_node", "order", "connection", "zone_sets", "zone_requests"]

    /// The changes of a `set` object (or of an entity in a state document, which may also carry
    /// `status_since` and `updated`).
    public static func changes(_ value: JSONValue, field: String, document: Bool = false, into changes: inout [Change]) throws(StateError) {
        let set = try obj(value, field)
        if set["reasons"] != nil, set["status"] == nil {
            throw StateError(field: "\(field).reasons", message: "reasons go with the status they explain (set status too)")
        }
        for member in set.members {
            let name = member.key, v = member.value, f = "\(field).\(name)"
            switch name {
            case "status":
                guard case .string(let text) = v, let status = MachineStatus(rawValue: text) else {
                    throw StateError(field: f, message: "unknown status \(describe(v)) (expected one of: \(MachineStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                changes.append(.status(status))
            case "reasons": changes.append(.statusReasons(try reasons(v, field: f)))
            case "signals":
                for signal in try obj(v, f).members {
                    changes.append(.signal(signal.key, try signalValue(signal.value, field: "\(f).\(signal.key)")))
                }
            case "counters":
                for counter in try obj(v, f).members {
                    let value = try integer(counter.value, field: "\(f).\(counter.key)")
                    // A document restores the value as it was, not as a report that may be a reset.
                    changes.append(document ? .counterCorrection(counter.key, value) : .counter(counter.key, value))
                }
            case "running": changes.append(.running(try bool(v, field: f)))
            case "speed_mps": changes.append(.speed(try number(v, field: f)))
            case "pose":
                let p = try obj(v, f)
                try allow(p, ["x", "y", "theta"], f)
                guard let x = p["x"], let y = p["y"] else { throw StateError(field: f, message: "a pose needs x and y (and theta, radians)") }
                changes.append(.pose(Pose2D(x: try number(x, field: "\(f).x"), y: try number(y, field: "\(f).y"),
                                            theta: try p["theta"].map { v throws(StateError) in try number(v, field: "\(f).theta") } ?? 0)))
            case "velocity":
                let p = try obj(v, f)
                try allow(p, ["vx", "vy", "omega"], f)
                func part(_ key: String) throws(StateError) -> Double { try p[key].map { v throws(StateError) in try number(v, field: "\(f).\(key)") } ?? 0 }
                changes.append(.velocity(SIMD3(try part("vx"), try part("vy"), try part("omega"))))
            case "driving": changes.append(.driving(try bool(v, field: f)))
            case "battery":
                let charge = try number(v, field: f)
                guard (0...100).contains(charge) else { throw StateError(field: f, message: "a battery charge is a percentage from 0 to 100, found \(JSONWriter.number(charge))") }
                changes.append(.battery(charge))
            case "operating_mode":
                guard case .string(let text) = v, let mode = OperatingMode(rawValue: text) else {
                    throw StateError(field: f, message: "unknown operating mode \(describe(v)) (expected one of: \(OperatingMode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                changes.append(.operatingMode(mode))
            case "loads":
                guard case .array(let items) = v else { throw StateError(field: f, message: "expected an array of loads, found \(v.kindName)") }
                var loads: [AGVLoad] = []
                for (i, item) in items.enumerated() {
                    let g = "\(f)[\(i)]"
                    let l = try obj(item, g)
                    try allow(l, ["id", "type", "weight_kg"], g)
                    loads.append(AGVLoad(id: try l["id"].map { v throws(StateError) in try string(v, field: "\(g).id") },
                                         type: try l["type"].map { v throws(StateError) in try string(v, field: "\(g).type") },
                                         weightKilograms: try l["weight_kg"].map { v throws(StateError) in try number(v, field: "\(g).weight_kg") }))
                }
                changes.append(.loads(loads))
            case "errors":
                guard case .array(let items) = v else { throw StateError(field: f, message: "expected an array of errors, found \(v.kindName)") }
                var errors: [AGVError] = []
                for (i, item) in items.enumerated() {
                    let g = "\(f)[\(i)]"
                    let e = try obj(item, g)
                    try allow(e, ["type", "level", "description"], g)
                    guard let type = e["type"] else { throw StateError(field: "\(g).type", message: "missing") }
                    guard case .string(let levelText)? = e["level"], let level = AGVError.Level(rawValue: levelText) else {
                        throw StateError(field: "\(g).level", message: "expected \(AGVError.Level.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    errors.append(AGVError(type: try string(type, field: "\(g).type"), level: level,
                                           description: try e["description"].map { v throws(StateError) in try string(v, field: "\(g).description") }))
                }
                changes.append(.errors(errors))
            case "last_node": changes.append(.lastNode(v == .null ? nil : try string(v, field: f)))
            case "order": changes.append(.order(v == .null ? nil : try string(v, field: f)))
            case "zone_sets":
                guard case .array(let items) = v else { throw StateError(field: f, message: "expected an array of zone set ids, found \(v.kindName)") }
                var ids: [String] = []
                for (i, item) in items.enumerated() { ids.append(try string(item, field: "\(f)[\(i)]")) }
                changes.append(.zoneSets(ids))
            case "zone_requests":
                guard case .array(let items) = v else { throw StateError(field: f, message: "expected an array of zone requests, found \(v.kindName)") }
                var requests: [AGVZoneRequest] = []
                for (i, item) in items.enumerated() {
                    let g = "\(f)[\(i)]"
                    let r = try obj(item, g)
                    try allow(r, ["zone_set", "zone", "type", "status"], g)
                    let typeText = try string(r["type"] ?? .null, field: "\(g).type")
                    guard let kind = AGVZoneRequest.Kind(rawValue: typeText) else {
                        throw StateError(field: "\(g).type", message: "expected \(AGVZoneRequest.Kind.allCases.map(\.rawValue).joined(separator: " or ")), found '\(typeText)'")
                    }
                    let statusText = try string(r["status"] ?? .null, field: "\(g).status")
                    guard let status = AGVZoneRequest.Status(rawValue: statusText) else {
                        throw StateError(field: "\(g).status", message: "expected \(AGVZoneRequest.Status.allCases.map(\.rawValue).joined(separator: ", ")), found '\(statusText)'")
                    }
                    requests.append(AGVZoneRequest(zoneSet: try string(r["zone_set"] ?? .null, field: "\(g).zone_set"),
                                                   zone: try string(r["zone"] ?? .null, field: "\(g).zone"), kind: kind, status: status))
                }
                changes.append(.zoneRequests(requests))
            case "connection":
                // VDA 5050 2.x's and 3.0's connection states, as the vehicle (or a machine's
                // gateway) sent them.
                let states = ["ONLINE", "OFFLINE", "CONNECTIONBROKEN", "HIBERNATING", "CONNECTION_BROKEN"]
                guard case .string(let c) = v, states.contains(c) else {
                    throw StateError(field: f, message: "expected \(states.joined(separator: ", ")), found \(describe(v))")
                }
                changes.append(.connection(c))
            case "status_since" where document: changes.append(.statusSince(try timestamp(v, field: f)))
            case "connection_since" where document: changes.append(.connectionSince(try timestamp(v, field: f)))
            case "counter_resets" where document:
                for counter in try obj(v, f).members {
                    let g = "\(f).\(counter.key)"
                    let r = try obj(counter.value, g)
                    try allow(r, ["count", "carried"], g)
                    guard let count = r["count"], let carried = r["carried"] else { throw StateError(field: g, message: "a counter's resets have count and carried") }
                    let n = try integer(count, field: "\(g).count")
                    guard n > 0, n <= Int64(Int32.max) else { throw StateError(field: "\(g).count", message: "expected a count of resets from 1") }
                    changes.append(.counterResets(counter.key, CounterResets(count: Int(n), carried: try integer(carried, field: "\(g).carried"))))
                }
            case "updated" where document, "data" where document, "counter_totals" where document, "stop" where document: break
            default:
                throw StateError(field: f, message: "unknown field (expected one of: \(setFields.joined(separator: ", ")))")
            }
        }
    }

    /// A status's reasons: identifiers (``StatusReason``), at most ``StatusReason/maximumCount``.
    public static func reasons(_ v: JSONValue, field f: String) throws(StateError) -> [String] {
        guard case .array(let items) = v else { throw StateError(field: f, message: "expected an array of reasons such as [\"break\"], found \(v.kindName)") }
        guard items.count <= StatusReason.maximumCount else { throw StateError(field: f, message: "at most \(StatusReason.maximumCount) reasons, found \(items.count)") }
        var reasons: [String] = []
        for (i, item) in items.enumerated() {
            let reason = try identifier(item, field: "\(f)[\(i)]")
            guard reason.utf8.count <= StatusReason.maximumLength else { throw StateError(field: "\(f)[\(i)]", message: "a reason is at most \(StatusReason.maximumLength) characters") }
            guard !reasons.contains(reason) else { throw StateError(field: "\(f)[\(i)]", message: "'\(reason)' is given twice") }
            reasons.append(reason)
        }
        return reasons
    }

    static let editKinds = ["move", "add", "remove", "add_node", "remove_node", "add_edge", "remove_edge"]

    static func edit(_ kindValue: JSONValue, _ o: JSONObject) throws(StateError) -> LayoutEdit {
        guard case .string(let kind) = kindValue, editKinds.contains(kind) else {
            throw StateError(field: "edit", message: "unknown edit \(describe(kindValue)) (expected one of: \(editKinds.joined(separator: ", ")))")
        }
        func optionalNumber(_ key: String) throws(StateError) -> Double? { try o[key].map { v throws(StateError) in try number(v, field: key) } }
        func requiredNumber(_ key: String) throws(StateError) -> Double {
            guard let v = o[key] else { throw StateError(field: key, message: "missing") }
            return try number(v, field: key)
        }
        func requiredId(_ key: String) throws(StateError) -> String {
            guard let v = o[key] else { throw StateError(field: key, message: "missing") }
            return try identifier(v, field: key)
        }
        let radians = Double.pi / 180
        /// An angle as `theta` (radians, as VDA 5050 gives them) or `theta_deg`; not both.
        func angle(_ key: String) throws(StateError) -> Double? {
            let base = String(key.dropLast(4))
            if o[base] != nil && o[key] != nil { throw StateError(field: base, message: "give \(base) (radians) or \(key), not both") }
            if let r = try optionalNumber(base) { return r }
            return try optionalNumber(key).map { $0 * radians }
        }
        switch kind {
        case "move":
            try allow(o, ["t", "edit", "entity", "x", "y", "theta", "theta_deg", "dx", "dy", "dtheta", "dtheta_deg"], "")
            let placement = LayoutEdit.Placement(x: try optionalNumber("x"), y: try optionalNumber("y"),
                                                 theta: try angle("theta_deg"),
                                                 dx: try optionalNumber("dx") ?? 0, dy: try optionalNumber("dy") ?? 0,
                                                 dtheta: try angle("dtheta_deg") ?? 0)
            guard placement != LayoutEdit.Placement() else {
                throw StateError(field: "", message: "a move needs x, y, theta_deg, dx, dy or dtheta_deg")
            }
            return .move(entity: try requiredId("entity"), placement)
        case "add":
            try allow(o, ["t", "edit", "entity", "category", "kind", "like", "size", "x", "y", "theta", "theta_deg"], "")
            let id = try requiredId("entity")
            let categoryText = try o["category"].map { v throws(StateError) in try string(v, field: "category") } ?? "machine"
            guard let category = EntityCategory(rawValue: categoryText) else {
                throw StateError(field: "category", message: "unknown category '\(categoryText)' (expected one of: \(EntityCategory.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let shape: LayoutEdit.Shape
            switch (o["like"], o["size"]) {
            case let (like?, nil): shape = .like(try identifier(like, field: "like"))
            case let (nil, size?):
                guard case .array(let parts) = size, parts.count == 3 else { throw StateError(field: "size", message: "expected [length, width, height] in meters") }
                var v = SIMD3<Double>()
                for i in 0..<3 {
                    v[i] = try number(parts[i], field: "size[\(i)]")
                    guard v[i] > 0 else { throw StateError(field: "size[\(i)]", message: "must be greater than zero") }
                }
                shape = .box(v)
            case (_?, _?): throw StateError(field: "like", message: "give either like or size, not both")
            case (nil, nil): throw StateError(field: "", message: "an added entity needs like (an entity whose look it copies) or size [length, width, height]")
            }
            let pose = Pose2D(x: try requiredNumber("x"), y: try requiredNumber("y"), theta: try angle("theta_deg") ?? 0)
            return .add(entity: id, category: category, kind: try o["kind"].map { v throws(StateError) in try string(v, field: "kind") },
                        shape: shape, pose: pose)
        case "remove":
            try allow(o, ["t", "edit", "entity"], "")
            return .remove(entity: try requiredId("entity"))
        case "add_node":
            try allow(o, ["t", "edit", "node", "x", "y", "theta", "theta_deg"], "")
            return .addNode(AGVNetwork.Node(id: try requiredId("node"), x: try requiredNumber("x"), y: try requiredNumber("y"),
                                            theta: try angle("theta_deg")))
        case "remove_node":
            try allow(o, ["t", "edit", "node"], "")
            return .removeNode(try requiredId("node"))
        case "add_edge":
            try allow(o, ["t", "edit", "edge", "from", "to", "bidirectional"], "")
            return .addEdge(id: try requiredId("edge"), from: try requiredId("from"), to: try requiredId("to"),
                            bidirectional: try o["bidirectional"].map { v throws(StateError) in try bool(v, field: "bidirectional") } ?? false)
        default:
            try allow(o, ["t", "edit", "edge"], "")
            return .removeEdge(try requiredId("edge"))
        }
    }

    // MARK: Field readers

    static func allow(_ o: JSONObject, _ keys: [String], _ field: String, hint: String? = nil) throws(StateError) {
        for member in o.members where !keys.contains(member.key) {
            let f = field.isEmpty ? member.key : "\(field).\(member.key)"
            throw StateError(field: f, message: "unknown field (\(hint ?? "expected one of: " + keys.joined(separator: ", ")))")
        }
    }

    static func describe(_ v: JSONValue) -> String {
        if case .string(let s) = v { return "'\(s)'" }
        return v.kindName
    }

    static func obj(_ v: JSONValue, _ field: String) throws(StateError) -> JSONObject {
        guard case .object(let o) = v else { throw StateError(field: field, message: "expected an object, found \(v.kindName)") }
        return o
    }

    static func number(_ v: JSONValue, field: String) throws(StateError) -> Double {
        guard case .number(let n) = v else { throw StateError(field: field, message: "expected a number, found \(describe(v))") }
        return n
    }

    static func integer(_ v: JSONValue, field: String) throws(StateError) -> Int64 {
        guard case .number(let n) = v, n == n.rounded(), abs(n) < 9e15 else {
            throw StateError(field: field, message: "expected a whole number, found \(describe(v))")
        }
        return Int64(n)
    }

    static func bool(_ v: JSONValue, field: String) throws(StateError) -> Bool {
        guard case .bool(let b) = v else { throw StateError(field: field, message: "expected true or false, found \(describe(v))") }
        return b
    }

    static func string(_ v: JSONValue, field: String) throws(StateError) -> String {
        guard case .string(let s) = v else { throw StateError(field: field, message: "expected a string, found \(v.kindName)") }
        return s
    }

    static func identifier(_ v: JSONValue, field: String) throws(StateError) -> String {
        let s = try string(v, field: field)
        guard !s.isEmpty else { throw StateError(field: field, message: "must not be empty") }
        return s
    }

    static func timestamp(_ v: JSONValue, field: String) throws(StateError) -> Timestamp {
        guard case .string(let s) = v, let t = Timestamp(iso8601: s) else {
            throw StateError(field: field, message: "expected an ISO 8601 time such as 2026-05-04T08:00:00Z, found \(describe(v))")
        }
        return t
    }

    static func signalValue(_ v: JSONValue, field: String) throws(StateError) -> SignalValue {
        switch v {
        case .number(let n): return .number(n, unit: nil)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .object(let o):
            try allow(o, ["value", "unit"], field)
            guard let value = o["value"] else { throw StateError(field: "\(field).value", message: "missing") }
            return .number(try number(value, field: "\(field).value"), unit: try o["unit"].map { v throws(StateError) in try string(v, field: "\(field).unit") })
        default:
            throw StateError(field: field, message: "expected a number, string, boolean or {\"value\", \"unit\"}, found \(v.kindName)")
        }
    }
}
