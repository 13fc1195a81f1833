import Foundation
import TwinGeometry
import TwinJSON
import TwinLIF

/// A LIF layout read as the twin's network for one vehicle type, with what did not come across.
public struct LIFImport: Sendable {
    public var network: AGVNetwork
    public var layout: LIFDocument.Layout
    /// The vehicle type whose edges and node headings were taken ("" when the layout names none).
    public var vehicleType: String
    /// Edges the layout has but not for this vehicle type (left out of the network).
    public var edgesLeftOut: [String]
    /// Doubts worth a line: coordinates that look like millimetres, properties the twin keeps
    /// only in the LIF.
    public var warnings: [String]

    /// How far a trajectory's ends may lie from its edge's nodes (as in plant.yaml).
    public static let trajectoryEndTolerance = 0.01

    /// Chooses a layout (`layoutId`, or the only one) and a vehicle type (`vehicleType`, or the
    /// only one the layout names) and builds the network: every node (its heading for that
    /// vehicle type), every edge that vehicle type may drive (its trajectory and orientation).
    /// Problems, each with its JSON path, are thrown together.
    public init(_ document: LIFDocument, file: String, layoutId: String? = nil, vehicleType: String? = nil) throws(LIFError) {
        func fail(_ message: String) -> LIFError { LIFError(file: file, problems: [message]) }
        let ids = document.layouts.map(\.layoutId)
        let chosen: LIFDocument.Layout
        if let layoutId {
            guard let found = document.layouts.first(where: { $0.layoutId == layoutId }) else {
                throw fail("no layout '\(layoutId)' (the file's layouts: \(ids.joined(separator: ", ")))")
            }
            chosen = found
        } else {
            guard document.layouts.count == 1 else {
                throw fail(document.layouts.isEmpty ? "the file holds no layout"
                           : "\(document.layouts.count) layouts (\(ids.joined(separator: ", "))); choose one (--layout ID, or layout: in the manifest)")
            }
            chosen = document.layouts[0]
        }
        let types = chosen.vehicleTypes
        let type: String
        if let vehicleType {
            guard types.contains(vehicleType) else {
                throw fail("layout '\(chosen.layoutId)' names no vehicle type '\(vehicleType)' (its vehicle types: \(types.isEmpty ? "none" : types.joined(separator: ", ")))")
            }
            type = vehicleType
        } else {
            guard types.count <= 1 else {
                throw fail("layout '\(chosen.layoutId)' has edges for \(types.count) vehicle types (\(types.joined(separator: ", "))); choose one (--vehicle-type ID, or vehicle_type: in the manifest)")
            }
            type = types.first ?? ""
        }
        var problems: [String] = []
        let nodes = chosen.nodes.map { n in
            AGVNetwork.Node(id: n.nodeId, x: n.x, y: n.y, theta: n.vehicleTypeNodeProperties.first { $0.vehicleTypeId == type }?.theta)
        }
        let byId = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var edges: [AGVNetwork.Edge] = []
        var leftOut: [String] = []
        var kept: Set<String> = []
        for edge in chosen.edges {
            guard let (k, p) = edge.vehicleTypeEdgeProperties.enumerated().first(where: { $0.element.vehicleTypeId == type }) else {
                leftOut.append(edge.edgeId)
                continue
            }
            var e = AGVNetwork.Edge(id: edge.edgeId, start: edge.startNodeId, end: edge.endNodeId, trajectory: p.trajectory)
            if let curve = p.trajectory, let a = byId[edge.startNodeId], let b = byId[edge.endNodeId] {
                for (point, node, which) in [(curve.startPoint, a, "starts"), (curve.endPoint, b, "ends")] {
                    let gap = simdLength(point - node.position)
                    if gap > Self.trajectoryEndTolerance {
                        problems.append(String(format: "%@.vehicleTypeEdgeProperties[%d].trajectory: %@ at (%.3f, %.3f), %.3f m from node '%@' at (%.3f, %.3f)",
                                               edge.path, k, which, point.x, point.y, gap, node.id, node.x, node.y))
                    }
                }
            }
            if let degrees = p.vehicleOrientation {
                e.orientation = remainder(degrees * .pi / 180, 2 * .pi)
                e.orientationIsGlobal = p.orientationType == "GLOBAL"
            }
            edges.append(e)
            kept.insert(edge.edgeId)
        }
        guard problems.isEmpty else { throw LIFError(file: file, problems: problems) }
        var warnings: [String] = []
        if let xs = nodes.map(\.x).minMax, let ys = nodes.map(\.y).minMax {
            let span = max(xs.max - xs.min, ys.max - ys.min)
            if span > 2000 {
                warnings.append(String(format: "layout '%@' spans %.0f m by %.0f m; LIF positions are metres: were these written in millimetres?",
                                       chosen.layoutId, xs.max - xs.min, ys.max - ys.min))
            }
        }
        let unused = chosen.edges.filter { kept.contains($0.edgeId) }.flatMap { $0.vehicleTypeEdgeProperties.filter { $0.vehicleTypeId == type } }
        var notUsed: [String] = []
        if unused.contains(where: { $0.maxSpeed != nil }) { notUsed.append("maxSpeed") }
        if unused.contains(where: { $0.maxRotationSpeed != nil }) { notUsed.append("maxRotationSpeed") }
        if unused.contains(where: { $0.rotationAllowed != nil || $0.rotationAtStartNodeAllowed != nil || $0.rotationAtEndNodeAllowed != nil }) { notUsed.append("rotation rules") }
        if unused.contains(where: { $0.loadRestriction != nil }) { notUsed.append("loadRestriction") }
        if unused.contains(where: { $0.minHeight != nil || $0.maxHeight != nil }) { notUsed.append("heights") }
        if unused.contains(where: { $0.actions != nil }) { notUsed.append("actions") }
        if !notUsed.isEmpty {
            warnings.append("the edges' \(notUsed.joined(separator: ", ")) are not part of the twin's network yet (left in the LIF file)")
        }
        network = AGVNetwork(nodes: nodes, edges: edges)
        layout = chosen
        self.vehicleType = type
        edgesLeftOut = leftOut
        self.warnings = warnings
    }

    /// The network as a plant.yaml to start from: its name, the network (nodes, edges, their
    /// trajectories), and the stations as comments, to bind to machines with `network_nodes`.
    public func manifestYAML(source: String) -> String {
        var lines: [String] = []
        func q(_ s: String) -> String { Self.yamlScalar(s) }
        func n(_ x: Double) -> String { JSONWriter.number(x) }
        lines.append("# Imported from \(source) by twin import lif: layout \(layout.layoutId)"
                     + (vehicleType.isEmpty ? "" : ", vehicle type \(vehicleType)") + ".")
        lines.append("name: \(q(layout.layoutName ?? layout.layoutId))")
        if let d = layout.layoutDescription { lines.append("description: \(q(d))") }
        lines.append("")
        lines.append("network:")
        lines.append("  nodes:")
        for node in network.nodes {
            lines.append("    - {id: \(q(node.id)), x: \(n(node.x)), y: \(n(node.y))\(node.theta.map { ", theta: \(n($0))" } ?? "")}")
        }
        if network.edges.contains(where: { $0.orientation != nil }) {
            lines.append("  # The edges' vehicle orientations are not written here (plant.yaml has no field for them")
            lines.append("  # yet); to keep them, read the file itself: network: {lif: FILE, layout: ID, vehicle_type: ID}.")
        }
        lines.append(network.edges.isEmpty ? "  edges: []" : "  edges:")
        for e in network.edges {
            lines.append("    - id: \(q(e.id))")
            lines.append("      start: \(q(e.start))")
            lines.append("      end: \(q(e.end))")
            if let t = e.trajectory {
                lines.append("      trajectory:")
                lines.append("        degree: \(t.degree)")
                lines.append("        knot_vector: [\(t.knots.map(n).joined(separator: ", "))]")
                lines.append("        control_points:")
                for p in t.controlPoints { lines.append("          - {x: \(n(p.x)), y: \(n(p.y)), weight: \(n(p.weight))}") }
            }
        }
        if !layout.stations.isEmpty {
            lines.append("")
            lines.append("# The layout's stations: give a machine or station of this plant the nodes it is served at,")
            lines.append("# e.g. `network_nodes: [...]` (or `docks:`).")
            for s in layout.stations {
                let at = s.position.map { String(format: " at (%.3f, %.3f)", $0.x, $0.y) } ?? ""
                lines.append("#   \(s.stationId)\(s.stationName.map { " (\($0))" } ?? "")\(at): network_nodes: [\(s.interactionNodeIds.map(q).joined(separator: ", "))]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML scalar for `text`: plain where that reads back the same, else double-quoted.
    static func yamlScalar(_ text: String) -> String {
        let plain = text.range(of: #"^[A-Za-z_][A-Za-z0-9_./-]*$"#, options: .regularExpression) != nil
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
        return plain && !reserved.contains(text.lowercased()) ? text : JSONWriter.string(.string(text))
    }
}

extension LIFDocument {
    /// `network` as a LIF document of one layout for one vehicle type: every node (its heading for
    /// that type), every edge (a bidirectional edge as two, the second reversed: LIF has no
    /// two-way edges), and `stations`.
    public init(network: AGVNetwork, layoutId: String, layoutName: String?, vehicleType: String,
                stations: [Station] = [], creator: String, exportTimestamp: String) {
        var layout = Layout(layoutId: layoutId, layoutName: layoutName, layoutVersion: "1")
        layout.nodes = network.nodes.map { n in
            Node(nodeId: n.id, x: n.x, y: n.y, vehicleTypeNodeProperties: [NodeProperties(vehicleTypeId: vehicleType, theta: n.theta)])
        }
        var ids = Set(network.edges.map(\.id))
        func properties(_ e: AGVNetwork.Edge, trajectory: NURBSCurve?) -> [EdgeProperties] {
            var p = EdgeProperties(vehicleTypeId: vehicleType)
            p.trajectory = trajectory
            if let o = e.orientation {
                p.vehicleOrientation = o * 180 / .pi
                p.orientationType = e.orientationIsGlobal ? "GLOBAL" : "TANGENTIAL"
            }
            return [p]
        }
        for e in network.edges {
            layout.edges.append(Edge(edgeId: e.id, startNodeId: e.start, endNodeId: e.end,
                                     vehicleTypeEdgeProperties: properties(e, trajectory: e.trajectory)))
            if e.bidirectional {
                var reverse = "\(e.id)-reverse"
                while ids.contains(reverse) { reverse += "-reverse" }
                ids.insert(reverse)
                layout.edges.append(Edge(edgeId: reverse, startNodeId: e.end, endNodeId: e.start,
                                         vehicleTypeEdgeProperties: properties(e, trajectory: e.trajectory?.reversed())))
            }
        }
        layout.stations = stations
        self.init(metaInformation: MetaInformation(projectIdentification: layoutName ?? layoutId, creator: creator,
                                                   exportTimestamp: exportTimestamp),
                  layouts: [layout])
    }
}

private extension Array where Element == Double {
    var minMax: (min: Double, max: Double)? {
        guard let first else { return nil }
        return dropFirst().reduce((first, first)) { (Swift.min($0.0, $1), Swift.max($0.1, $1)) }
    }
}
