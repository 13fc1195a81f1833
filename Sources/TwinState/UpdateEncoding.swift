import TwinJSON
import TwinGeometry

extension Update {
    /// The update as one line of JSON, as ``UpdateParser`` reads it: what the history stores for
    /// updates that did not arrive as text.
    public var jsonLine: String { JSONWriter.string(json) }

    public var json: JSONValue {
        var o = JSONObject([.init(key: "t", value: .string(time.description))])
        switch action {
        case let .set(entity, changes):
            o.append("entity", .string(entity))
            var set = JSONObject(), signals = JSONObject(), counters = JSONObject(), increments = JSONObject(), fixes = JSONObject()
            for change in changes {
                switch change {
                case .status(let s): set.append("status", .string(s.rawValue))
                case let .signal(name, value): signals.append(name, PlantState.json(value))
                case let .counter(name, value): counters.append(name, .number(Double(value)))
                case let .counterIncrement(name, value): increments.append(name, .number(Double(value)))
                case .running(let b): set.append("running", .bool(b))
                case .speed(let v): set.append("speed_mps", .number(v))
                case .pose(let p): set.append("pose", .object(JSONObject([.init(key: "x", value: .number(p.x)), .init(key: "y", value: .number(p.y)), .init(key: "theta", value: .number(p.theta))])))
                case .velocity(let v): set.append("velocity", .object(JSONObject([.init(key: "vx", value: .number(v.x)), .init(key: "vy", value: .number(v.y)), .init(key: "omega", value: .number(v.z))])))
                case .driving(let b): set.append("driving", .bool(b))
                case .battery(let v): set.append("battery", .number(v))
                case .operatingMode(let m): set.append("operating_mode", .string(m.rawValue))
                case .loads(let loads): set.append("loads", .array(loads.map(PlantState.json)))
                case .errors(let errors): set.append("errors", .array(errors.map(PlantState.json)))
                case .lastNode(let n): set.append("last_node", n.map(JSONValue.string) ?? .null)
                case .order(let n): set.append("order", n.map(JSONValue.string) ?? .null)
                case .connection(let c): set.append("connection", .string(c))
                case .zoneSets(let ids): set.append("zone_sets", .array(ids.map(JSONValue.string)))
                case .zoneRequests(let requests): set.append("zone_requests", .array(requests.map(PlantState.json)))
                case .statusReasons(let reasons):
                    // A status without reasons clears them: that is what its update said.
                    if !reasons.isEmpty { set.append("reasons", .array(reasons.map(JSONValue.string))) }
                case let .counterCorrection(name, value): fixes.append(name, .number(Double(value)))
                case .statusSince, .connectionSince, .counterResets: break
                }
            }
            if !signals.members.isEmpty { set.append("signals", .object(signals)) }
            if !counters.members.isEmpty { set.append("counters", .object(counters)) }
            if !set.members.isEmpty { o.append("set", .object(set)) }
            if !increments.members.isEmpty { o.append("add", .object(JSONObject([.init(key: "counters", value: .object(increments))]))) }
            if !fixes.members.isEmpty { o.append("fix", .object(JSONObject([.init(key: "counters", value: .object(fixes))]))) }
        case .edit(let edit):
            switch edit {
            case let .move(entity, p):
                o.append("edit", .string("move")); o.append("entity", .string(entity))
                if let x = p.x { o.append("x", .number(x)) }
                if let y = p.y { o.append("y", .number(y)) }
                if let t = p.theta { o.append("theta", .number(t)) }
                if p.dx != 0 { o.append("dx", .number(p.dx)) }
                if p.dy != 0 { o.append("dy", .number(p.dy)) }
                if p.dtheta != 0 { o.append("dtheta", .number(p.dtheta)) }
            case let .add(entity, category, kind, shape, pose):
                o.append("edit", .string("add")); o.append("entity", .string(entity)); o.append("category", .string(category.rawValue))
                if let kind { o.append("kind", .string(kind)) }
                switch shape {
                case .like(let model): o.append("like", .string(model))
                case .box(let s): o.append("size", .array([.number(s.x), .number(s.y), .number(s.z)]))
                }
                o.append("x", .number(pose.x)); o.append("y", .number(pose.y)); o.append("theta", .number(pose.theta))
            case .remove(let entity):
                o.append("edit", .string("remove")); o.append("entity", .string(entity))
            case .addNode(let n):
                o.append("edit", .string("add_node")); o.append("node", .string(n.id)); o.append("x", .number(n.x)); o.append("y", .number(n.y))
                if let t = n.theta { o.append("theta", .number(t)) }
            case .removeNode(let id):
                o.append("edit", .string("remove_node")); o.append("node", .string(id))
            case let .addEdge(id, from, to, bidirectional):
                o.append("edit", .string("add_edge")); o.append("edge", .string(id)); o.append("from", .string(from)); o.append("to", .string(to))
                if bidirectional { o.append("bidirectional", .bool(true)) }
            case .removeEdge(let id):
                o.append("edit", .string("remove_edge")); o.append("edge", .string(id))
            }
        }
        return .object(o)
    }
}
