import Foundation
import TwinGeometry
import TwinJSON

/// A VDA 5050 order (schema in ../shared/vda5050/order.schema): the nodes an AGV is to pass, with
/// their positions, and the edges between them, straight or along a NURBS trajectory, with an
/// optional orientation. Read as a small network and the sequence of node ids to drive.
public struct VDA5050Order: Sendable {
    public var orderId: String
    /// The header's vehicle, when the order names one: matched to the plant's AGV of that
    /// manufacturer and serial number.
    public var manufacturer: String?
    public var serialNumber: String?
    public var network: AGVNetwork
    /// Node ids in sequence order.
    public var nodeSequence: [String]
    /// What the order says that the plant's network does not (when it was read against one): node
    /// ids the network lacks, positions that differ from the network's. The order is driven as it
    /// is written; these are said so that nobody checks a different path without a word.
    public var notes: [String] = []
    /// The least `maxRotationSpeed` of its edges (rad/s), where any gives one: how fast the AGV
    /// may turn on the spot.
    public var maxRotationSpeed: Double?

    /// How far an order's node may lie from the network's node of the same id before it is said.
    public static let positionTolerance = 0.01

    /// The bound of every angle in VDA 5050 (node theta, edge orientation), as its schema writes π.
    public static let maximumAngle = 3.14159265359

    /// Reads the order at `path`. With the plant's `network`, the order is held against it: a node
    /// without `nodePosition` (optional in VDA 5050) takes the network's position, and node ids the
    /// network lacks or positions that differ from it are listed in ``notes``.
    public static func load(path: String, network: AGVNetwork? = nil) throws(LayoutError) -> VDA5050Order {
        let document: JSONValue
        do { document = try JSONDocument.read(path: path) } catch {
            throw .order(file: path, field: "", message: error.reason)
        }
        return try parse(document, file: path, network: network)
    }

    static func parse(_ document: JSONValue, file: String, network plantNetwork: AGVNetwork? = nil) throws(LayoutError) -> VDA5050Order {
        do throws(JSONError) {
            return try parse(document, network: plantNetwork)
        } catch {
            throw .order(file: file, field: error.field, message: error.message)
        }
    }

    static func parse(_ document: JSONValue, network plantNetwork: AGVNetwork?) throws(JSONError) -> VDA5050Order {
        var notes: [String] = []
        var maxRotationSpeed: Double?
        func fail(_ field: String, _ message: String) -> JSONError { JSONError(field: field, message: message) }
        func angle(_ v: JSONValue, _ field: String) throws(JSONError) -> Double {
            try v.number(field, in: -maximumAngle...maximumAngle, "within -π and π radians (±3.14159265359)")
        }
        func sequenceId(_ v: JSONValue?, _ field: String) throws(JSONError) -> Int {
            guard let v else { throw fail(field, "missing") }
            return try v.integer(field, in: 0...Int(Int32.max))
        }
        func number(_ v: JSONValue?, _ field: String) throws(JSONError) -> Double {
            guard let v else { throw fail(field, "missing") }
            return try v.number(field)
        }
        let anyNumber = 0...Double.greatestFiniteMagnitude
        let top = try document.object("")
        let orderId = try top.required("orderId", "orderId").string("orderId")
        let nodeList = try top.required("nodes", "nodes").array("nodes")
        let edgeList = try top.required("edges", "edges").array("edges")
        var nodes: [(sequence: Int, node: AGVNetwork.Node)] = []
        for (i, raw) in nodeList.enumerated() {
            let f = "nodes[\(i)]"
            let n = try raw.object(f)
            let id = try n.required("nodeId", f + ".nodeId").string(f + ".nodeId")
            guard !id.isEmpty else { throw fail(f + ".nodeId", "must not be empty") }
            let sequence = try sequenceId(n["sequenceId"], f + ".sequenceId")
            guard let position = try n["nodePosition"]?.object(f + ".nodePosition") else {
                // Optional in VDA 5050: the plant's network knows where the node is.
                if let known = plantNetwork?.node(id: id) {
                    nodes.append((sequence, AGVNetwork.Node(id: id, x: known.x, y: known.y, theta: known.theta)))
                    continue
                }
                throw fail(f + ".nodePosition", plantNetwork == nil ? "missing (a path needs every node's position)"
                                                                    : "missing, and the plant's network has no node '\(id)' to take it from")
            }
            let theta = try position["theta"].map { v throws(JSONError) in try angle(v, f + ".nodePosition.theta") }
            if let d = position["allowedDeviationXY"] { _ = try d.number(f + ".nodePosition.allowedDeviationXY", in: anyNumber, "0 or more") }
            if let d = position["allowedDeviationTheta"] { _ = try d.number(f + ".nodePosition.allowedDeviationTheta", in: 0...maximumAngle, "within 0 and π radians") }
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
            let e = try raw.object(f)
            let id = try e["edgeId"]?.string(f + ".edgeId") ?? "edge-\(i)"
            let start = try e.required("startNodeId", f + ".startNodeId").string(f + ".startNodeId")
            guard known.contains(start) else { throw fail(f + ".startNodeId", "unknown node '\(start)'") }
            let end = try e.required("endNodeId", f + ".endNodeId").string(f + ".endNodeId")
            guard known.contains(end) else { throw fail(f + ".endNodeId", "unknown node '\(end)'") }
            var edge = AGVNetwork.Edge(id: id, start: start, end: end)
            if let t = try e["trajectory"]?.object(f + ".trajectory") {
                let degree = try t.required("degree", f + ".trajectory.degree").integer(f + ".trajectory.degree", in: 1...NURBSCurve.maximumDegree)
                let knotList = try t.required("knotVector", f + ".trajectory.knotVector").array(f + ".trajectory.knotVector")
                var knots: [Double] = []
                for (k, v) in knotList.enumerated() { knots.append(try number(v, f + ".trajectory.knotVector[\(k)]")) }
                let pointList = try t.required("controlPoints", f + ".trajectory.controlPoints").array(f + ".trajectory.controlPoints")
                var points: [NURBSCurve.ControlPoint] = []
                for (k, v) in pointList.enumerated() {
                    let pf = f + ".trajectory.controlPoints[\(k)]"
                    let p = try v.object(pf)
                    points.append(NURBSCurve.ControlPoint(x: try number(p["x"], pf + ".x"), y: try number(p["y"], pf + ".y"),
                                                          weight: try p["weight"].map { w throws(JSONError) in try w.number(pf + ".weight") } ?? 1))
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
                edge.orientationIsGlobal = try e["orientationType"]?.string(f + ".orientationType") == "GLOBAL"
            }
            if let v = e["maxSpeed"] { _ = try v.number(f + ".maxSpeed", in: anyNumber, "0 or more (m/s)") }
            if let v = e["maxRotationSpeed"] {
                let rate = try v.number(f + ".maxRotationSpeed", in: anyNumber, "0 or more (rad/s)")
                // Zero would forbid turning: such an edge says nothing about a rate.
                if rate > 0 { maxRotationSpeed = min(maxRotationSpeed ?? rate, rate) }
            }
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
        return VDA5050Order(orderId: orderId, manufacturer: top["manufacturer"]?.stringValue, serialNumber: top["serialNumber"]?.stringValue,
                            network: AGVNetwork(nodes: nodes.map(\.node), edges: edges.map(\.edge)), nodeSequence: sequence, notes: notes,
                            maxRotationSpeed: maxRotationSpeed)
    }
}
