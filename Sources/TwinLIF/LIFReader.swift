import Foundation
import TwinGeometry
import TwinJSON

extension LIFDocument {
    /// The most a file may hold: bytes (as any JSON file read whole), entries of one list,
    /// characters of one text.
    public static let maximumBytes = JSONDocument.maximumBytes
    public static let maximumEntries = 1_000_000
    public static let maximumTextLength = 1000
    /// Problems listed before the rest are counted.
    static let problemsShown = 50

    /// Reads and checks the LIF file at `path`.
    public static func read(path: String) throws(LIFError) -> LIFDocument {
        let root: JSONValue
        do { root = try JSONDocument.read(path: path) } catch { throw LIFError(file: path, problems: [error.reason]) }
        return try check(root, file: path)
    }

    /// Checks `data` (the text of a LIF file named `file`) against every rule of the LIF 1.0
    /// schema (required members, types, enumerations) and the twin's own (unique ids, edges
    /// between known nodes, valid NURBS, thetas in radians), naming every problem's JSON path.
    public static func parse(_ data: Data, file: String) throws(LIFError) -> LIFDocument {
        guard data.count <= maximumBytes else {
            throw LIFError(file: file, problems: ["\(data.count) bytes; a LIF file may hold at most \(maximumBytes >> 20) MiB"])
        }
        let root: JSONValue
        do { root = try JSONDocument.parse(Array(data), file: file) } catch { throw LIFError(file: file, problems: [error.reason]) }
        return try check(root, file: file)
    }

    private static func check(_ root: JSONValue, file: String) throws(LIFError) -> LIFDocument {
        var r = Reader()
        let document = r.document(root)
        guard r.problems.isEmpty, let document else {
            var lines = Array(r.problems.prefix(problemsShown))
            if r.problems.count > problemsShown { lines.append("... and \(r.problems.count - problemsShown) more problems") }
            throw LIFError(file: file, problems: lines)
        }
        return document
    }
}

/// Reads JSON values by the schema's rules, noting every problem with its path and going on.
private struct Reader {
    var problems: [String] = []

    mutating func problem(_ path: String, _ message: String) { problems.append("\(path): \(message)") }

    mutating func object(_ value: JSONValue?, _ path: String) -> JSONObject? {
        guard let value else { return nil }
        guard case .object(let o) = value else { problem(path, "expected an object, found \(value.kindName)"); return nil }
        return o
    }

    mutating func array(_ o: JSONObject, _ key: String, _ path: String, required: Bool) -> [JSONValue]? {
        guard let value = present(o, key, path, required: required) else { return nil }
        guard case .array(let a) = value else { problem("\(path).\(key)", "expected an array, found \(value.kindName)"); return nil }
        guard a.count <= LIFDocument.maximumEntries else {
            problem("\(path).\(key)", "\(a.count) entries; at most \(LIFDocument.maximumEntries) are read")
            return nil
        }
        return a
    }

    mutating func present(_ o: JSONObject, _ key: String, _ path: String, required: Bool) -> JSONValue? {
        guard let value = o[key], value != .null || required else {
            if required { problem("\(path).\(key)", "required, missing") }
            return nil
        }
        if value == .null { problem("\(path).\(key)", "required, found null"); return nil }
        return value
    }

    mutating func string(_ o: JSONObject, _ key: String, _ path: String, required: Bool = false,
                         oneOf allowed: [String]? = nil) -> String? {
        guard let value = present(o, key, path, required: required) else { return nil }
        guard case .string(let s) = value else { problem("\(path).\(key)", "expected a string, found \(value.kindName)"); return nil }
        guard s.count <= LIFDocument.maximumTextLength else {
            problem("\(path).\(key)", "\(s.count) characters; at most \(LIFDocument.maximumTextLength)")
            return nil
        }
        if let allowed, !allowed.contains(s) {
            problem("\(path).\(key)", "'\(s)' is not one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return s
    }

    mutating func number(_ o: JSONObject, _ key: String, _ path: String, required: Bool = false) -> Double? {
        guard let value = present(o, key, path, required: required) else { return nil }
        guard case .number(let n) = value, n.isFinite else { problem("\(path).\(key)", "expected a number, found \(value.kindName)"); return nil }
        return n
    }

    mutating func bool(_ o: JSONObject, _ key: String, _ path: String, required: Bool = false) -> Bool? {
        guard let value = present(o, key, path, required: required) else { return nil }
        guard case .bool(let b) = value else { problem("\(path).\(key)", "expected true or false, found \(value.kindName)"); return nil }
        return b
    }

    mutating func document(_ root: JSONValue) -> LIFDocument? {
        guard let top = object(root, "$") else { return nil }
        var meta: LIFDocument.MetaInformation?
        if let m = object(present(top, "metaInformation", "$", required: true), "$.metaInformation") {
            let p = "$.metaInformation"
            let project = string(m, "projectIdentification", p, required: true), creator = string(m, "creator", p, required: true)
            let stamp = string(m, "exportTimestamp", p, required: true), version = string(m, "lifVersion", p, required: true)
            if let stamp, !Self.isDateTime(stamp) { problem("\(p).exportTimestamp", "'\(stamp)' is no ISO 8601 date-time (2024-05-01T12:00:00Z)") }
            if let version, !version.hasPrefix("1.") { problem("\(p).lifVersion", "'\(version)': this reader knows LIF 1.x") }
            if let project, let creator, let stamp, let version {
                meta = .init(projectIdentification: project, creator: creator, exportTimestamp: stamp, lifVersion: version)
            }
        }
        var layouts: [LIFDocument.Layout] = []
        var layoutIds = Set<String>()
        for (i, value) in (array(top, "layouts", "$", required: true) ?? []).enumerated() {
            let path = "$.layouts[\(i)]"
            guard let layout = self.layout(value, path) else { continue }
            if !layoutIds.insert(layout.layoutId).inserted { problem("\(path).layoutId", "'\(layout.layoutId)' names two layouts") }
            layouts.append(layout)
        }
        guard let meta, problems.isEmpty else { return nil }
        return LIFDocument(metaInformation: meta, layouts: layouts)
    }

    static func isDateTime(_ text: String) -> Bool {
        // RFC 3339 date-time, as JSON Schema's format: a date, T, a time, a zone (Z or ±hh:mm).
        let pattern = #"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"#
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    mutating func layout(_ value: JSONValue, _ path: String) -> LIFDocument.Layout? {
        guard let o = object(value, path) else { return nil }
        let id = string(o, "layoutId", path, required: true), version = string(o, "layoutVersion", path, required: true)
        var layout = LIFDocument.Layout(layoutId: id ?? "", layoutName: string(o, "layoutName", path), layoutVersion: version ?? "",
                                        layoutLevelId: string(o, "layoutLevelId", path),
                                        layoutDescription: string(o, "layoutDescription", path))
        var nodeIds = Set<String>()
        for (i, v) in (array(o, "nodes", path, required: true) ?? []).enumerated() {
            guard var node = self.node(v, "\(path).nodes[\(i)]") else { continue }
            node.path = "\(path).nodes[\(i)]"
            if !nodeIds.insert(node.nodeId).inserted { problem("\(node.path).nodeId", "'\(node.nodeId)' names two nodes") }
            layout.nodes.append(node)
        }
        var edgeIds = Set<String>()
        for (i, v) in (array(o, "edges", path, required: true) ?? []).enumerated() {
            let p = "\(path).edges[\(i)]"
            guard var edge = self.edge(v, p) else { continue }
            edge.path = p
            if !edgeIds.insert(edge.edgeId).inserted { problem("\(p).edgeId", "'\(edge.edgeId)' names two edges") }
            if !nodeIds.contains(edge.startNodeId) { problem("\(p).startNodeId", "unknown node '\(edge.startNodeId)'") }
            if !nodeIds.contains(edge.endNodeId) { problem("\(p).endNodeId", "unknown node '\(edge.endNodeId)'") }
            if edge.startNodeId == edge.endNodeId { problem("\(p).endNodeId", "an edge must join two different nodes") }
            layout.edges.append(edge)
        }
        var stationIds = Set<String>()
        for (i, v) in (array(o, "stations", path, required: true) ?? []).enumerated() {
            let p = "\(path).stations[\(i)]"
            guard let station = self.station(v, p) else { continue }
            if !stationIds.insert(station.stationId).inserted { problem("\(p).stationId", "'\(station.stationId)' names two stations") }
            for (k, n) in station.interactionNodeIds.enumerated() where !nodeIds.contains(n) {
                problem("\(p).interactionNodeIds[\(k)]", "unknown node '\(n)'")
            }
            layout.stations.append(station)
        }
        return id == nil || version == nil ? nil : layout
    }

    mutating func node(_ value: JSONValue, _ path: String) -> LIFDocument.Node? {
        guard let o = object(value, path) else { return nil }
        let id = string(o, "nodeId", path, required: true)
        var position: (Double, Double)?
        if let p = object(present(o, "nodePosition", path, required: true), "\(path).nodePosition") {
            let x = number(p, "x", "\(path).nodePosition", required: true), y = number(p, "y", "\(path).nodePosition", required: true)
            if let x, let y { position = (x, y) }
        }
        var properties: [LIFDocument.NodeProperties] = []
        for (i, v) in (array(o, "vehicleTypeNodeProperties", path, required: true) ?? []).enumerated() {
            let p = "\(path).vehicleTypeNodeProperties[\(i)]"
            guard let po = object(v, p) else { continue }
            let type = string(po, "vehicleTypeId", p, required: true)
            let theta = number(po, "theta", p)
            if let theta, abs(theta) > Double.pi + 1e-9 {
                problem("\(p).theta", String(format: "%g is not within -π and π radians%@", theta,
                                             abs(theta) <= 360 ? " (degrees? LIF gives node thetas in radians)" : ""))
            }
            let actions = self.actions(po, p)
            if let type { properties.append(.init(vehicleTypeId: type, theta: theta, actions: actions)) }
        }
        guard let id, let position else { return nil }
        var node = LIFDocument.Node(nodeId: id, x: position.0, y: position.1, vehicleTypeNodeProperties: properties)
        node.nodeName = string(o, "nodeName", path)
        node.nodeDescription = string(o, "nodeDescription", path)
        node.mapId = string(o, "mapId", path)
        return node
    }

    /// Actions, checked against the schema and kept as they are.
    mutating func actions(_ o: JSONObject, _ path: String) -> [JSONValue]? {
        guard let list = array(o, "actions", path, required: false) else { return nil }
        for (i, v) in list.enumerated() {
            let p = "\(path).actions[\(i)]"
            guard let a = object(v, p) else { continue }
            _ = string(a, "actionType", p, required: true)
            _ = string(a, "actionDescription", p)
            _ = string(a, "requirementType", p, oneOf: ["REQUIRED", "CONDITIONAL", "OPTIONAL"])
            _ = string(a, "blockingType", p, required: true, oneOf: ["NONE", "SOFT", "HARD"])
            _ = array(a, "actionParameters", p, required: false)
        }
        return list
    }

    mutating func edge(_ value: JSONValue, _ path: String) -> LIFDocument.Edge? {
        guard let o = object(value, path) else { return nil }
        let id = string(o, "edgeId", path, required: true)
        let start = string(o, "startNodeId", path, required: true), end = string(o, "endNodeId", path, required: true)
        var properties: [LIFDocument.EdgeProperties] = []
        for (i, v) in (array(o, "vehicleTypeEdgeProperties", path, required: true) ?? []).enumerated() {
            let p = "\(path).vehicleTypeEdgeProperties[\(i)]"
            guard let po = object(v, p), let type = string(po, "vehicleTypeId", p, required: true) else { continue }
            var e = LIFDocument.EdgeProperties(vehicleTypeId: type)
            e.vehicleOrientation = number(po, "vehicleOrientation", p)
            e.orientationType = string(po, "orientationType", p)
            if let kind = e.orientationType, !["TANGENTIAL", "GLOBAL"].contains(kind) {
                problem("\(p).orientationType", "'\(kind)' is not one of TANGENTIAL, GLOBAL")
            }
            e.rotationAllowed = bool(po, "rotationAllowed", p)
            e.rotationAtStartNodeAllowed = string(po, "rotationAtStartNodeAllowed", p)
            e.rotationAtEndNodeAllowed = string(po, "rotationAtEndNodeAllowed", p)
            e.maxSpeed = number(po, "maxSpeed", p)
            e.maxRotationSpeed = number(po, "maxRotationSpeed", p)
            e.minHeight = number(po, "minHeight", p)
            e.maxHeight = number(po, "maxHeight", p)
            for (key, value) in [("maxSpeed", e.maxSpeed), ("maxRotationSpeed", e.maxRotationSpeed), ("minHeight", e.minHeight), ("maxHeight", e.maxHeight)] {
                if let value, value < 0 { problem("\(p).\(key)", "must not be negative, found \(value)") }
            }
            if let l = object(present(po, "loadRestriction", p, required: false), "\(p).loadRestriction") {
                let lp = "\(p).loadRestriction"
                let unloaded = bool(l, "unloaded", lp, required: true), loaded = bool(l, "loaded", lp, required: true)
                var sets: [String]?
                if let list = array(l, "loadSetNames", lp, required: false) {
                    sets = list.enumerated().compactMap { k, v in
                        guard case .string(let s) = v else { problem("\(lp).loadSetNames[\(k)]", "expected a string, found \(v.kindName)"); return nil }
                        return s
                    }
                }
                if let unloaded, let loaded { e.loadRestriction = .init(unloaded: unloaded, loaded: loaded, loadSetNames: sets) }
            }
            if let t = object(present(po, "trajectory", p, required: false), "\(p).trajectory") {
                e.trajectory = trajectory(t, "\(p).trajectory")
            }
            e.actions = actions(po, p)
            e.reentryAllowed = bool(po, "reentryAllowed", p)
            properties.append(e)
        }
        guard let id, let start, let end else { return nil }
        return LIFDocument.Edge(edgeId: id, startNodeId: start, endNodeId: end, vehicleTypeEdgeProperties: properties)
    }

    mutating func trajectory(_ t: JSONObject, _ path: String) -> NURBSCurve? {
        var degree = 1
        if let value = present(t, "degree", path, required: false) {
            guard case .number(let d) = value, d == d.rounded(), (1...Double(NURBSCurve.maximumDegree)).contains(d) else {
                problem("\(path).degree", "expected an integer from 1 to \(NURBSCurve.maximumDegree), found \(JSONWriter.string(value))")
                return nil
            }
            degree = Int(d)
        }
        let knotList = array(t, "knotVector", path, required: true), pointList = array(t, "controlPoints", path, required: true)
        guard let knotList, let pointList else { return nil }
        var knots: [Double] = []
        for (i, v) in knotList.enumerated() {
            guard case .number(let k) = v, k.isFinite else { problem("\(path).knotVector[\(i)]", "expected a number, found \(v.kindName)"); return nil }
            knots.append(k)
        }
        var points: [NURBSCurve.ControlPoint] = []
        for (i, v) in pointList.enumerated() {
            let p = "\(path).controlPoints[\(i)]"
            guard let c = object(v, p) else { return nil }
            guard let x = number(c, "x", p, required: true), let y = number(c, "y", p, required: true) else { return nil }
            let weight = number(c, "weight", p) ?? 1
            points.append(.init(x: x, y: y, weight: weight))
        }
        do {
            return try NURBSCurve(degree: degree, knots: knots, controlPoints: points)
        } catch {
            problem(path, "not a valid NURBS: \(error) (degree \(degree), \(points.count) control points, \(knots.count) knots; "
                          + "a NURBS of degree p with n control points has n + p + 1 knots)")
            return nil
        }
    }

    mutating func station(_ value: JSONValue, _ path: String) -> LIFDocument.Station? {
        guard let o = object(value, path) else { return nil }
        let id = string(o, "stationId", path, required: true)
        var nodes: [String] = []
        for (i, v) in (array(o, "interactionNodeIds", path, required: true) ?? []).enumerated() {
            guard case .string(let n) = v else { problem("\(path).interactionNodeIds[\(i)]", "expected a string, found \(v.kindName)"); continue }
            nodes.append(n)
        }
        guard let id else { return nil }
        var station = LIFDocument.Station(stationId: id, interactionNodeIds: nodes)
        station.stationName = string(o, "stationName", path)
        station.stationDescription = string(o, "stationDescription", path)
        station.stationHeight = number(o, "stationHeight", path)
        if let p = object(present(o, "stationPosition", path, required: false), "\(path).stationPosition") {
            let pp = "\(path).stationPosition"
            let x = number(p, "x", pp, required: true), y = number(p, "y", pp, required: true), theta = number(p, "theta", pp)
            if let theta, abs(theta) > Double.pi + 1e-9 { problem("\(pp).theta", String(format: "%g is not within -π and π radians", theta)) }
            if let x, let y { station.position = (x, y, theta) }
        }
        return station
    }
}
