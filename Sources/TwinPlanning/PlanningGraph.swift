import Foundation
import TwinCollision
import TwinGeometry
import TwinLayout

/// The AGV network as the planner sees it: directed arcs (a two-way edge gives two), each with
/// its path on the floor and the headings it starts and ends at, and the places an AGV occupies
/// (resources): the disc it turns in at each node, and each edge cut into pieces of about one
/// body length plus the margin. Which resources conflict comes from the bodies' geometry
/// (`OccupancyConflicts`), once per network and body.
public struct PlanningGraph: Sendable {
    public struct Arc: Sendable {
        public var from: Int
        public var to: Int
        public var edge: String
        /// The edge as one path segment and its heading rule, driven this way.
        var segment: AGVPath.Segment
        var heading: AGVPath.Heading
        /// Floor length (the path's parameter range).
        public var length: Double
        public var startHeading: Double
        public var endHeading: Double
        /// The pieces it occupies in order: resource and the stretch of the arc's parameter.
        var pieces: [(resource: Int32, from: Double, to: Double)]
    }

    public let nodeIds: [String]
    public let positions: [SIMD2<Double>]
    public let arcs: [Arc]
    /// Arcs leaving each node.
    let outgoing: [[Int32]]
    let incoming: [[Int32]]
    /// Resource `i < nodeIds.count` is node i's turning disc; the rest are edge pieces.
    public let resourceCount: Int
    /// For each resource, those that conflict with it (itself included).
    let conflicts: [[Int32]]
    public let body: AGVBody
    public let margin: Double
    let index: [String: Int]

    /// Longest edge piece, metres: about a body length plus the margin, so that an AGV two pieces
    /// behind another keeps its distance.
    static func pieceLength(body: AGVBody, margin: Double) -> Double { max(1.0, body.length + margin + 0.3) }

    /// The graph of `network` for AGVs of `body` (the largest of the fleet) keeping `margin`.
    public init(network: AGVNetwork, body: AGVBody, margin: Double) {
        self.body = body; self.margin = margin
        nodeIds = network.nodes.map(\.id)
        positions = network.nodes.map(\.position)
        index = Dictionary(network.nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var occupancies = network.nodes.map { Occupancy(.turning(at: $0.position)) }
        var arcs: [Arc] = []
        let cut = Self.pieceLength(body: body, margin: margin)
        for edge in network.edges {
            guard let a = index[edge.start], let b = index[edge.end] else { continue }
            let forward = Self.arc(edge, from: network.nodes[a], to: network.nodes[b], forward: true)
            let path = AGVPath([forward.segment], headings: [forward.heading])
            let count = max(1, Int((path.length / cut).rounded(.up)))
            var pieces: [(Int32, Double, Double)] = []
            for k in 0..<count {
                let s0 = path.length * Double(k) / Double(count), s1 = path.length * Double(k + 1) / Double(count)
                pieces.append((Int32(occupancies.count), s0, s1))
                occupancies.append(Occupancy(.sweep(path: path, from: s0, to: s1)))
            }
            var arc = forward
            arc.from = a; arc.to = b; arc.length = path.length; arc.pieces = pieces
            arcs.append(arc)
            if edge.bidirectional {
                var back = Self.arc(edge, from: network.nodes[b], to: network.nodes[a], forward: false)
                back.from = b; back.to = a; back.length = path.length
                back.pieces = pieces.reversed().map { ($0.0, path.length - $0.2, path.length - $0.1) }
                arcs.append(back)
            }
        }
        self.arcs = arcs
        var out = [[Int32]](repeating: [], count: nodeIds.count), inn = out
        for (i, arc) in arcs.enumerated() { out[arc.from].append(Int32(i)); inn[arc.to].append(Int32(i)) }
        outgoing = out; incoming = inn
        resourceCount = occupancies.count
        conflicts = OccupancyConflicts.table(occupancies, body: body, margin: margin)
    }

    /// One edge driven one way, as `PlantCollision.pathWithEdges` drives it.
    static func arc(_ edge: AGVNetwork.Edge, from start: AGVNetwork.Node, to end: AGVNetwork.Node, forward: Bool) -> Arc {
        var segment: AGVPath.Segment
        var startHeading: Double, endHeading: Double
        if let curve = edge.trajectory {
            let c = forward ? curve : curve.reversed()
            segment = .curve(c)
            let range = c.parameterRange
            let t0 = c.tangent(at: range.lowerBound), t1 = c.tangent(at: range.upperBound)
            startHeading = atan2(t0.y, t0.x); endHeading = atan2(t1.y, t1.x)
        } else {
            segment = .line(from: start.position, to: end.position)
            let d = end.position - start.position
            startHeading = atan2(d.y, d.x); endHeading = startHeading
        }
        var rule = AGVPath.Heading.tangent(offset: 0)
        if let orientation = edge.orientation {
            if edge.orientationIsGlobal {
                rule = .fixed(orientation); startHeading = orientation; endHeading = orientation
            } else {
                rule = .tangent(offset: orientation); startHeading += orientation; endHeading += orientation
            }
        }
        return Arc(from: 0, to: 0, edge: edge.id, segment: segment, heading: rule, length: 0,
                   startHeading: startHeading, endHeading: endHeading, pieces: [])
    }

    public func node(_ id: String) -> Int? { index[id] }

    /// Shortest floor distances to `goal` from every node (infinity where it cannot be reached).
    func distances(to goal: Int) -> [Double] {
        var dist = [Double](repeating: .infinity, count: nodeIds.count)
        dist[goal] = 0
        var heap = MinHeap<Int>()
        heap.push(goal, 0)
        while let (u, d) = heap.pop() {
            if d > dist[u] { continue }
            for a in incoming[u] {
                let arc = arcs[Int(a)]
                let nd = d + arc.length
                if nd < dist[arc.from] { dist[arc.from] = nd; heap.push(arc.from, nd) }
            }
        }
        return dist
    }

    /// The node an AGV stands on: the one within 0.3 m of its pose.
    func node(at p: SIMD2<Double>) -> Int? {
        var best: (Int, Double)?
        for (i, q) in positions.enumerated() {
            let d = q - p, l = (d.x * d.x + d.y * d.y).squareRoot()
            if l <= 0.3, l < best?.1 ?? .infinity { best = (i, l) }
        }
        return best?.0
    }
}

/// A binary min-heap of items by key.
struct MinHeap<T> {
    private var items: [(T, Double)] = []
    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func push(_ item: T, _ key: Double) {
        items.append((item, key))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if items[p].1 <= items[i].1 { break }
            items.swapAt(p, i); i = p
        }
    }

    mutating func pop() -> (T, Double)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].1 < items[m].1 { m = l }
                if r < items.count && items[r].1 < items[m].1 { m = r }
                if m == i { break }
                items.swapAt(m, i); i = m
            }
        }
        return top
    }
}
