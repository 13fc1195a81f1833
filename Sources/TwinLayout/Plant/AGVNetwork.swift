import TwinGeometry

/// The graph AGVs drive on, in VDA 5050's terms: nodes with floor positions, and edges between
/// them that are straight unless they carry a NURBS trajectory.
public struct AGVNetwork: Sendable {
    /// A VDA 5050 node: a position on the floor and, optionally, the heading to hold there.
    public struct Node: Sendable, Identifiable {
        public var id: String
        public var x: Double
        public var y: Double
        /// Radians, counterclockwise from +x; nil when the AGV may stand at any heading.
        public var theta: Double?
        public var line: Int?

        public init(id: String, x: Double, y: Double, theta: Double? = nil, line: Int? = nil) {
            self.id = id; self.x = x; self.y = y; self.theta = theta; self.line = line
        }

        public var position: SIMD2<Double> { SIMD2(x, y) }
    }

    /// A VDA 5050 edge from `start` to `end`; `bidirectional` edges may be driven both ways.
    public struct Edge: Sendable, Identifiable {
        public var id: String
        public var start: String
        public var end: String
        public var trajectory: NURBSCurve?
        public var bidirectional: Bool
        public var line: Int?
        /// VDA 5050's orientation on the edge, radians: relative to the tangent, or, when
        /// `orientationIsGlobal`, fixed in the map frame. Nil: along the tangent.
        public var orientation: Double?
        public var orientationIsGlobal = false

        public init(id: String, start: String, end: String, trajectory: NURBSCurve? = nil,
                    bidirectional: Bool = false, line: Int? = nil) {
            self.id = id; self.start = start; self.end = end
            self.trajectory = trajectory; self.bidirectional = bidirectional; self.line = line
        }
    }

    public var nodes: [Node] { didSet { nodeIndex = Self.index(nodes) } }
    public var edges: [Edge] { didSet { edgeIndex = Self.index(edges) } }
    /// Nodes off the aisles where idle AGVs may stand (`parking:`), one AGV each.
    public var parking: [String]
    private var nodeIndex: [String: Int]
    /// The first edge (in `edges`' order) that leads from one node to another, either way for a
    /// bidirectional edge: routes, orders and plans look an edge up for every step.
    private var edgeIndex: [Step: Int]

    private struct Step: Hashable {
        var from: String, to: String
    }

    public init(nodes: [Node] = [], edges: [Edge] = [], parking: [String] = []) {
        self.nodes = nodes
        self.edges = edges
        self.parking = parking
        nodeIndex = Self.index(nodes)
        edgeIndex = Self.index(edges)
    }

    private static func index(_ nodes: [Node]) -> [String: Int] {
        Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private static func index(_ edges: [Edge]) -> [Step: Int] {
        var index: [Step: Int] = [:]
        index.reserveCapacity(edges.count * 2)
        for (i, edge) in edges.enumerated() {
            if index[Step(from: edge.start, to: edge.end)] == nil { index[Step(from: edge.start, to: edge.end)] = i }
            if edge.bidirectional && index[Step(from: edge.end, to: edge.start)] == nil { index[Step(from: edge.end, to: edge.start)] = i }
        }
        return index
    }

    public func node(id: String) -> Node? { nodeIndex[id].map { nodes[$0] } }

    /// The edge that leads from `from` to `to` (either way for a bidirectional edge).
    public func edge(from: String, to: String) -> Edge? {
        edgeIndex[Step(from: from, to: to)].map { edges[$0] }
    }

    /// The length of an edge: its trajectory's arc length, or the straight distance.
    public func length(of edge: Edge) -> Double {
        if let curve = edge.trajectory { return curve.length() }
        guard let a = node(id: edge.start), let b = node(id: edge.end) else { return 0 }
        let d = b.position - a.position
        return (d.x * d.x + d.y * d.y).squareRoot()
    }
}

/// A named route: the sequence of network nodes an AGV drives through.
public struct Route: Sendable, Identifiable {
    public var id: String
    public var nodes: [String]
    /// The AGV that drives it, when the manifest says.
    public var agv: String?
    public var line: Int?

    public init(id: String, nodes: [String], agv: String? = nil, line: Int? = nil) {
        self.id = id; self.nodes = nodes; self.agv = agv; self.line = line
    }
}
