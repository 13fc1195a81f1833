import TwinJSON
import TwinGeometry
import TwinLayout

/// The state of a plant as a JSON document: what `twin state --json` prints, what a snapshot in
/// the history holds, and what `twin render --state FILE` reads.
///
/// ```json
/// {"plant": "demo", "time": "2026-05-04T08:15:00Z", "sequence": 1234,
///  "entities": {"M-012": {"status": "fault", "signals": {"spindle_temp_C": 81.5}},
///               "AGV-02": {"pose": {"x": 40.5, "y": 8, "theta": 0}, "battery": 76}},
///  "layout": {"moved": {...}, "added": [...], "removed": [...], "network": {...}}}
/// ```
/// Entities with no state are left out; a document may name only some entities.
extension PlantState {
    /// The document of this state. With `showingData`, each entity whose data is not live at the
    /// clock (offline, or silent for longer than `noDataAfter` seconds) says so in `data`
    /// ("no data since T (offline)"), whether a stop is `planned` or `unplanned` (`stop`), and
    /// counters' totals across resets (`counter_totals`), for people and programs that read it;
    /// snapshots leave these out.
    public func document(showingData: Bool = false, noDataAfter: Double? = nil) -> JSONValue {
        var top = JSONObject()
        top.append("plant", .string(plantName))
        if let time { top.append("time", .string(time.description)) }
        top.append("sequence", .number(Double(sequence)))
        var entityObject = JSONObject()
        for record in entities where !record.removed {
            var fields = Self.fields(of: record.state)
            if showingData, !fields.members.isEmpty {
                if let text = record.state.data(at: time, noDataAfter: noDataAfter).text { fields.append("data", .string(text)) }
                if let stop = record.state.stop { fields.append("stop", .string(stop.rawValue)) }
                if !record.state.counterResets.isEmpty {
                    var totals = JSONObject()
                    for name in record.state.counters.keys.sorted() { totals.append(name, .number(Double(record.state.total(ofCounter: name)!))) }
                    fields.append("counter_totals", .object(totals))
                }
            }
            if !fields.members.isEmpty { entityObject.append(record.id, .object(fields)) }
        }
        top.append("entities", .object(entityObject))
        if hasLayoutEdits { top.append("layout", .object(layoutDocument())) }
        return .object(top)
    }

    static func fields(of s: EntityState) -> JSONObject {
        var o = JSONObject()
        if let status = s.status { o.append("status", .string(status.rawValue)) }
        if let since = s.statusSince { o.append("status_since", .string(since.description)) }
        if !s.statusReasons.isEmpty { o.append("reasons", .array(s.statusReasons.map(JSONValue.string))) }
        if !s.signals.isEmpty {
            var signals = JSONObject()
            for (name, value) in s.signals.sorted(by: { $0.key < $1.key }) { signals.append(name, json(value)) }
            o.append("signals", .object(signals))
        }
        if !s.counters.isEmpty {
            var counters = JSONObject()
            for (name, value) in s.counters.sorted(by: { $0.key < $1.key }) { counters.append(name, .number(Double(value))) }
            o.append("counters", .object(counters))
        }
        if !s.counterResets.isEmpty {
            var resets = JSONObject()
            for (name, r) in s.counterResets.sorted(by: { $0.key < $1.key }) {
                resets.append(name, .object(JSONObject([.init(key: "count", value: .number(Double(r.count))), .init(key: "carried", value: .number(Double(r.carried)))])))
            }
            o.append("counter_resets", .object(resets))
        }
        if let running = s.running { o.append("running", .bool(running)) }
        if let speed = s.speed { o.append("speed_mps", .number(speed)) }
        let a = s.agv
        if let pose = a.pose { o.append("pose", .object(JSONObject([.init(key: "x", value: .number(pose.x)), .init(key: "y", value: .number(pose.y)), .init(key: "theta", value: .number(pose.theta))]))) }
        if let v = a.velocity { o.append("velocity", .object(JSONObject([.init(key: "vx", value: .number(v.x)), .init(key: "vy", value: .number(v.y)), .init(key: "omega", value: .number(v.z))]))) }
        if let driving = a.driving { o.append("driving", .bool(driving)) }
        if let battery = a.battery { o.append("battery", .number(battery)) }
        if let mode = a.operatingMode { o.append("operating_mode", .string(mode.rawValue)) }
        if !a.loads.isEmpty { o.append("loads", .array(a.loads.map(json))) }
        if !a.errors.isEmpty { o.append("errors", .array(a.errors.map(json))) }
        if let node = a.lastNode { o.append("last_node", .string(node)) }
        if let order = a.order { o.append("order", .string(order)) }
        if let c = s.connection { o.append("connection", .string(c)) }
        if let since = s.connectionSince { o.append("connection_since", .string(since.description)) }
        if !a.zoneSets.isEmpty { o.append("zone_sets", .array(a.zoneSets.map(JSONValue.string))) }
        if !a.zoneRequests.isEmpty { o.append("zone_requests", .array(a.zoneRequests.map(json))) }
        if let updated = s.updated { o.append("updated", .string(updated.description)) }
        return o
    }

    static func json(_ value: SignalValue) -> JSONValue {
        switch value {
        case let .number(n, unit?): return .object(JSONObject([.init(key: "value", value: .number(n)), .init(key: "unit", value: .string(unit))]))
        case let .number(n, nil): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        }
    }

    static func json(_ load: AGVLoad) -> JSONValue {
        var o = JSONObject()
        if let id = load.id { o.append("id", .string(id)) }
        if let type = load.type { o.append("type", .string(type)) }
        if let w = load.weightKilograms { o.append("weight_kg", .number(w)) }
        return .object(o)
    }

    static func json(_ request: AGVZoneRequest) -> JSONValue {
        .object(JSONObject([.init(key: "zone_set", value: .string(request.zoneSet)), .init(key: "zone", value: .string(request.zone)),
                            .init(key: "type", value: .string(request.kind.rawValue)), .init(key: "status", value: .string(request.status.rawValue))]))
    }

    static func json(_ error: AGVError) -> JSONValue {
        var o = JSONObject([.init(key: "type", value: .string(error.type)), .init(key: "level", value: .string(error.level.rawValue))])
        if let d = error.description { o.append("description", .string(d)) }
        return .object(o)
    }

    func layoutDocument() -> JSONObject {
        var layout = JSONObject()
        var moved = JSONObject(), added: [JSONValue] = [], removed: [JSONValue] = []
        for (e, record) in entities.enumerated() {
            // A plant entity that was removed, or removed and added again under its name.
            if e < plantEntityCount && (record.removed || record.shape != nil) { removed.append(.string(record.id)) }
            if record.removed { continue }
            if let shape = record.shape, let p = record.placement {
                var o = JSONObject([.init(key: "entity", value: .string(record.id)), .init(key: "category", value: .string(record.category.rawValue))])
                if let kind = record.kind { o.append("kind", .string(kind)) }
                switch shape {
                case .like(let model): o.append("like", .string(model))
                case .box(let size): o.append("size", .array([.number(size.x), .number(size.y), .number(size.z)]))
                }
                o.append("x", .number(p.x)); o.append("y", .number(p.y)); o.append("theta", .number(p.theta))
                added.append(.object(o))
            } else if record.isMoved, let p = record.placement {
                moved.append(record.id, .object(JSONObject([.init(key: "x", value: .number(p.x)), .init(key: "y", value: .number(p.y)),
                                                            .init(key: "theta", value: .number(p.theta))])))
            }
        }
        if !moved.members.isEmpty { layout.append("moved", .object(moved)) }
        if !added.isEmpty { layout.append("added", .array(added)) }
        if !removed.isEmpty { layout.append("removed", .array(removed)) }
        if networkEdited {
            var network = JSONObject()
            network.append("nodes", .array(nodes.map { n in
                var o = JSONObject([.init(key: "id", value: .string(n.id)), .init(key: "x", value: .number(n.x)), .init(key: "y", value: .number(n.y))])
                if let theta = n.theta { o.append("theta", .number(theta)) }
                return .object(o)
            }))
            network.append("edges", .array(edges.map { e in
                var o = JSONObject([.init(key: "id", value: .string(e.id)), .init(key: "from", value: .string(e.start)), .init(key: "to", value: .string(e.end))])
                if e.bidirectional { o.append("bidirectional", .bool(true)) }
                if e.addedByEdit { o.append("added", .bool(true)) }
                return .object(o)
            }))
            layout.append("network", .object(network))
        }
        return layout
    }

    /// Restores a document onto this state (a fresh state of the same plant, usually): entity
    /// fields, layout, clock and sequence number. Errors name the field; `file` goes in front.
    public mutating func restore(_ document: JSONValue, file: String? = nil) throws(StateError) {
        do throws(StateError) {
            try restoreFields(document)
        } catch {
            var e = error
            e.file = file
            throw e
        }
    }

    private mutating func restoreFields(_ document: JSONValue) throws(StateError) {
        let top = try UpdateParser.obj(document, "")
        try UpdateParser.allow(top, ["plant", "time", "calendar", "sequence", "entities", "layout"], "")
        var time: Timestamp?
        if let t = top["time"] { time = try UpdateParser.timestamp(t, field: "time") }
        let at = time ?? self.time ?? Timestamp(milliseconds: 0)
        if let layout = top["layout"] { try restoreLayout(try UpdateParser.obj(layout, "layout"), at: at) }
        if let entities = top["entities"] {
            for member in try UpdateParser.obj(entities, "entities").members {
                let field = "entities.\(member.key)"
                var changes: [Change] = []
                try UpdateParser.changes(member.value, field: field, document: true, into: &changes)
                if changes.isEmpty { continue }
                let previouslyUpdated = indexOfEntity(member.key).flatMap { self.entities[$0].state.updated }
                do {
                    try applyRestoring(Update(time: at, action: .set(entity: member.key, changes: changes)))
                } catch {
                    throw StateError(field: error.field == "entity" ? field : "\(field).\(error.field.replacingOccurrences(of: "set.", with: ""))", message: error.message)
                }
                if let e = indexOfEntity(member.key) {
                    if case .object(let o) = member.value, let updated = o["updated"] {
                        setUpdated(try UpdateParser.timestamp(updated, field: "\(field).updated"), of: e)
                    } else {
                        setUpdated(previouslyUpdated, of: e)
                    }
                }
            }
        }
        if let s = top["sequence"] { restoreSequence(try UpdateParser.integer(s, field: "sequence")) }
        restoreClock(time)
        forgetFieldTimes(knownSince: self.time)
    }

    private mutating func restoreLayout(_ layout: JSONObject, at time: Timestamp) throws(StateError) {
        try UpdateParser.allow(layout, ["moved", "added", "removed", "network"], "layout")
        if let removed = layout["removed"] {
            guard case .array(let ids) = removed else { throw StateError(field: "layout.removed", message: "expected an array of entity ids") }
            for (i, id) in ids.enumerated() {
                try applyPrefixed(.edit(.remove(entity: try UpdateParser.identifier(id, field: "layout.removed[\(i)]"))), "layout.removed[\(i)]", time)
            }
        }
        if let moved = layout["moved"] {
            for member in try UpdateParser.obj(moved, "layout.moved").members {
                let f = "layout.moved.\(member.key)"
                let o = try UpdateParser.obj(member.value, f)
                try UpdateParser.allow(o, ["x", "y", "theta"], f)
                func n(_ key: String) throws(StateError) -> Double? { try o[key].map { v throws(StateError) in try UpdateParser.number(v, field: "\(f).\(key)") } }
                let placement = LayoutEdit.Placement(x: try n("x"), y: try n("y"), theta: try n("theta"))
                try applyPrefixed(.edit(.move(entity: member.key, placement)), f, time)
            }
        }
        if let added = layout["added"] {
            guard case .array(let items) = added else { throw StateError(field: "layout.added", message: "expected an array") }
            for (i, item) in items.enumerated() {
                var o = try UpdateParser.obj(item, "layout.added[\(i)]")
                o.members.insert(.init(key: "edit", value: .string("add")), at: 0)
                let edit: LayoutEdit
                do { edit = try UpdateParser.edit(.string("add"), o) } catch {
                    throw StateError(field: "layout.added[\(i)].\(error.field)", message: error.message)
                }
                try applyPrefixed(.edit(edit), "layout.added[\(i)]", time)
            }
        }
        if let network = layout["network"] {
            let o = try UpdateParser.obj(network, "layout.network")
            try UpdateParser.allow(o, ["nodes", "edges"], "layout.network")
            var nodes: [AGVNetwork.Node] = [], edges: [NetworkEdge] = []
            if case .array(let items)? = o["nodes"] {
                for (i, item) in items.enumerated() {
                    let f = "layout.network.nodes[\(i)]"
                    let n = try UpdateParser.obj(item, f)
                    try UpdateParser.allow(n, ["id", "x", "y", "theta"], f)
                    guard let id = n["id"], let x = n["x"], let y = n["y"] else { throw StateError(field: f, message: "a node needs id, x and y") }
                    nodes.append(AGVNetwork.Node(id: try UpdateParser.identifier(id, field: "\(f).id"), x: try UpdateParser.number(x, field: "\(f).x"),
                                                 y: try UpdateParser.number(y, field: "\(f).y"),
                                                 theta: try n["theta"].map { v throws(StateError) in try UpdateParser.number(v, field: "\(f).theta") }))
                }
            }
            if case .array(let items)? = o["edges"] {
                for (i, item) in items.enumerated() {
                    let f = "layout.network.edges[\(i)]"
                    let e = try UpdateParser.obj(item, f)
                    try UpdateParser.allow(e, ["id", "from", "to", "bidirectional", "added"], f)
                    guard let id = e["id"], let from = e["from"], let to = e["to"] else { throw StateError(field: f, message: "an edge needs id, from and to") }
                    edges.append(NetworkEdge(id: try UpdateParser.identifier(id, field: "\(f).id"), start: try UpdateParser.identifier(from, field: "\(f).from"),
                                             end: try UpdateParser.identifier(to, field: "\(f).to"),
                                             bidirectional: try e["bidirectional"].map { v throws(StateError) in try UpdateParser.bool(v, field: "\(f).bidirectional") } ?? false,
                                             addedByEdit: try e["added"].map { v throws(StateError) in try UpdateParser.bool(v, field: "\(f).added") } ?? false))
                }
            }
            try replaceNetwork(nodes: nodes, edges: edges)
        }
    }

    private mutating func applyPrefixed(_ action: Update.Action, _ field: String, _ time: Timestamp) throws(StateError) {
        do { try applyRestoring(Update(time: time, action: action)) } catch {
            throw StateError(field: field, message: error.message)
        }
    }
}
