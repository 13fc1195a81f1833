import Foundation
import TwinGeometry

/// A VDA 5050 order (schema in ../shared/vda5050/order.schema): the nodes an AGV is to pass, with
/// their positions, and the edges between them, straight or along a NURBS trajectory, with an
/// optional orientation. Read as a small network and the sequence of node ids to drive.
public struct VDA5050Order: Sendable {
    public var orderId: String
    public var network: AGVNetwork
    /// Node ids in sequence order.
    public var nodeSequence: [String]
    /// What the order says that the plant's network does not (when it was read against one): node
    /// ids the network lacks, positions that differ from the network's. The order is driven as it
    /// is written; these are said so that nobody checks a different path without a word.
    public var notes: [String] = []

    /// How far an order's node may lie from the network's node of the same id before it is said.
    public static let positionTolerance = 0.01

    /// Why an order cannot be used.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var file: String
        public var field: String
        public var message: String
        public var description: String { field.isEmpty ? "\(file): \(message)" : "\(file): \(field): \(message)" }
    }

    /// The bound of every angle in VDA 5050 (node theta, edge orientation), as its schema writes π.
    public static let maximumAngle = 3.14159265359

    /// Reads the order at `path`. With the plant's `network`, the order is held against it: a node
    /// without `nodePosition` (optional in VDA 5050) takes the network's position, and node ids the
    /// network lacks or positions that differ from it are listed in ``notes``.
    public static func load(path: String, network: AGVNetwork? = nil) throws(Problem) -> VDA5050Order {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(file: path, field: "", message: "file not found") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw Problem(file: path, field: "", message: "not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription)")
        }
        return try parse(object, file: path, network: network)
    }

    static func parse(_ object: Any, file: String, network plantNetwork: AGVNetwork? = nil) throws(Problem) -> VDA5050Order {
        var notes: [String] = []
        func fail(_ field: String, _ message: String) -> Problem { Problem(file: file, field: field, message: message) }
        func number(_ v: Any?, _ field: String) throws(Problem) -> Double {
            guard let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue.isFinite else {
                throw fail(field, v == nil ? "missing" : "expected a finite number")
            }
            return n.doubleValue
        }
        /// A number within the schema's bounds.
        func bounded(_ v: Any?, _ field: String, _ range: ClosedRange<Double>, _ what: String) throws(Problem) -> Double {
            let n = try number(v, field)
            guard range.contains(n) else { throw fail(field, "must be \(what), found \(n)") }
            return n
        }
        func angle(_ v: Any?, _ field: String) throws(Problem) -> Double {
            try bounded(v, field, -maximumAngle...maximumAngle, "within -π and π radians (±3.14159265359)")
        }
        func sequenceId(_ v: Any?, _ field: String) throws(Problem) -> Int {
            let n = try bounded(v, field, 0...Double(Int32.max), "a whole number, 0 or more")
            guard n == n.rounded() else { throw fail(field, "must be a whole number, 0 or more, found \(n)") }
            return Int(n)
        }
        guard let top = object as? [String: Any] else { throw fail("", "expected a JSON object") }
        guard let orderId = top["orderId"] as? String else { throw fail("orderId", "missing") }
        guard let nodeList = top["nodes"] as? [Any] else { throw fail("nodes", "expected a list") }
        guard let edgeList = top["edges"] as? [Any] else { throw fail("edges", "expected a list") }
        var nodes: [(sequence: Int, node: AGVNetwork.Node)] = []
        for (i, raw) in nodeList.enumerated() {
            let f = "nodes[\(i)]"
            guard let n = raw as? [String: Any] else { throw fail(f, "expected an object") }
            guard let id = n["nodeId"] as? String, !id.isEmpty else { throw fail(f + ".nodeId", "missing") }
            let sequence = try sequenceId(n["sequenceId"], f + ".sequenceId")
            guard let position = n["nodePosition"] as? [String: Any] else {
                // Optional in VDA 5050: the plant's network knows where the node is.
                if let known = plantNetwork?.node(id: id) {
                    nodes.append((sequence, AGVNetwork.Node(id: id, x: known.x, y: known.y, theta: known.theta)))
                    continue
                }
                throw fail(f + ".nodePosition", plantNetwork == nil ? "missing (a path needs every node's position)"
                                                                    : "missing, and the plant's network has no node '\(id)' to take it from")
            }
            let theta = try position["theta"].map { v throws(Problem) in try angle(v, f + ".nodePosition.theta") }
            if let d = position["allowedDeviationXY"] { _ = try bounded(d, f + ".nodePosition.allowedDeviationXY", 0...Double.greatestFiniteMagnitude, "0 or more") }
            if let d = position["allowedDeviationTheta"] { _ = try bounded(d, f + ".nodePosition.allowedDeviationTheta", 0...maximumAngle, "within 0 and π radians") }
            let node = AGVNetwork.Node(id: id, x: try number(position["x"], f + ".nodePosition.x"),
                                       y: try number(position["y"], f + ".nodePosition.y"), theta: theta)
            if let plantNetwork {
                if let known = plantNetwork.node(id: id) {
                    let gap = ((known.x - node.x) * (known.x - node.x) + (known.y - node.y) * (known.y - node.y)).squareRoot()
                    if gap > positionTolerance {
                        notes.append(String(format: "%@: node '%@' lies at (%.3f, %.3f), %.3f m from the network's node of that id at (%.3f, %.3f); checked where the order puts it",
                                            f, id, node.x, node.y, gap, known.x, known.y))
                    }
                } else {
                    notes.append("\(f): node '\(id)' is not in the plant's network; checked where the order puts it")
                }
            }
            nodes.append((sequence, node))
        }
        nodes.sort { $0.sequence < $1.sequence }
        let known = Set(nodes.map(\.node.id))
        let byId = Dictionary(nodes.map { ($0.node.id, $0.node) }, uniquingKeysWith: { a, _ in a })
        var edges: [(sequence: Int, edge: AGVNetwork.Edge)] = []
        for (i, raw) in edgeList.enumerated() {
            let f = "edges[\(i)]"
            guard let e = raw as? [String: Any] else { throw fail(f, "expected an object") }
            let id = (e["edgeId"] as? String) ?? "edge-\(i)"
            guard let start = e["startNodeId"] as? String, known.contains(start) else {
                throw fail(f + ".startNodeId", "unknown node '\(e["startNodeId"] ?? "")'")
            }
            guard let end = e["endNodeId"] as? String, known.contains(end) else {
                throw fail(f + ".endNodeId", "unknown node '\(e["endNodeId"] ?? "")'")
            }
            var edge = AGVNetwork.Edge(id: id, start: start, end: end)
            if let t = e["trajectory"] as? [String: Any] {
                let degree = Int(try number(t["degree"], f + ".trajectory.degree"))
                guard let knotList = t["knotVector"] as? [Any] else { throw fail(f + ".trajectory.knotVector", "expected a list") }
                var knots: [Double] = []
                for (k, v) in knotList.enumerated() { knots.append(try number(v, f + ".trajectory.knotVector[\(k)]")) }
                guard let pointList = t["controlPoints"] as? [Any] else { throw fail(f + ".trajectory.controlPoints", "expected a list") }
                var points: [NURBSCurve.ControlPoint] = []
                for (k, v) in pointList.enumerated() {
                    guard let p = v as? [String: Any] else { throw fail(f + ".trajectory.controlPoints[\(k)]", "expected an object") }
                    let pf = f + ".trajectory.controlPoints[\(k)]"
                    points.append(NURBSCurve.ControlPoint(x: try number(p["x"], pf + ".x"), y: try number(p["y"], pf + ".y"),
                                                          weight: try p["weight"].map { w throws(Problem) in try number(w, pf + ".weight") } ?? 1))
                }
                do {
                    edge.trajectory = try NURBSCurve(degree: degree, knots: knots, controlPoints: points)
                } catch {
                    throw fail(f + ".trajectory", "malformed NURBS: \(error)")
                }
                for (endPoint, nodeId) in [(edge.trajectory!.startPoint, start), (edge.trajectory!.endPoint, end)] {
                    let node = byId[nodeId]!
                    let gap = ((endPoint.x - node.x) * (endPoint.x - node.x) + (endPoint.y - node.y) * (endPoint.y - node.y)).squareRoot()
                    guard gap <= 0.01 else {
                        throw fail(f + ".trajectory", String(format: "the trajectory ends %.3f m from node '%@'", gap, nodeId))
                    }
                }
            }
            if let o = e["orientation"] {
                edge.orientation = try angle(o, f + ".orientation")
                edge.orientationIsGlobal = (e["orientationType"] as? String) == "GLOBAL"
            }
            if let v = e["maxSpeed"] { _ = try bounded(v, f + ".maxSpeed", 0...Double.greatestFiniteMagnitude, "0 or more (m/s)") }
            if let v = e["maxRotationSpeed"] { _ = try bounded(v, f + ".maxRotationSpeed", 0...Double.greatestFiniteMagnitude, "0 or more (rad/s)") }
            edges.append((try sequenceId(e["sequenceId"], f + ".sequenceId"), edge))
        }
        edges.sort { $0.sequence < $1.sequence }
        let sequence = nodes.map(\.node.id)
        // Edge k must join node k and node k + 1 of the sequence.
        for (k, entry) in edges.enumerated() {
            guard k + 1 < sequence.count, entry.edge.start == sequence[k], entry.edge.end == sequence[k + 1] else {
                throw fail("edges", "edge '\(entry.edge.id)' does not join nodes \(k) and \(k + 1) of the sequence")
            }
        }
        guard sequence.count >= 2, edges.count == sequence.count - 1 else {
            throw fail("edges", "an order of \(sequence.count) nodes needs \(max(0, sequence.count - 1)) edges, found \(edges.count)")
        }
        return VDA5050Order(orderId: orderId, network: AGVNetwork(nodes: nodes.map(\.node), edges: edges.map(\.edge)),
                            nodeSequence: sequence, notes: notes)
    }
}
