import TwinGeometry

/// Obstacles with their broad phase, built once (per layout version of a plant) and shared by
/// every route check of it.
public struct ObstacleSet: Sendable {
    public let obstacles: [Obstacle]
    let tree: ObstacleTree

    public init(_ obstacles: [Obstacle]) {
        self.obstacles = obstacles
        tree = ObstacleTree(obstacles)
    }
}

/// The broad phase of a route check: a bounding volume hierarchy over the obstacles' boxes, so
/// that the distance from a pose (or a swept stretch) to the nearest obstacle visits the few
/// obstacles whose boxes could be nearer than the best found, not all of them. Built once per
/// check by median splits on the box centres (O(n log n)); nodes in one flat array, depth first
/// (a node's left child follows it), obstacle indices in leaf order.
struct ObstacleTree: Sendable {
    struct Node: Sendable {
        var lo: SIMD3<Double>
        var hi: SIMD3<Double>
        /// Leaves: the first index into `order` and how many; inner nodes: count 0.
        var start: Int32
        var count: Int32
        /// Inner nodes: the right child's index (the left one is the next node).
        var right: Int32
    }

    /// Obstacles per leaf: a few, since one obstacle's distance costs more than a box test.
    static let leafSize = 4
    /// The traversal stack: the tree is balanced, so its depth is about log2(n / leafSize).
    static let stackCapacity = 128

    private(set) var nodes: [Node] = []
    private(set) var order: [Int32] = []

    init(_ obstacles: [Obstacle]) {
        guard !obstacles.isEmpty else { return }
        order = (0..<Int32(obstacles.count)).map { $0 }
        // Box centres in the floor plane (zones have no top or bottom, so z does not split).
        let centres = obstacles.map { SIMD2(($0.lo.x + $0.hi.x) / 2, ($0.lo.y + $0.hi.y) / 2) }
        nodes.reserveCapacity(2 * obstacles.count / Self.leafSize + 2)
        build(0, obstacles.count, obstacles, centres)
    }

    /// Builds the node over order[start..<end]; returns its index.
    @discardableResult
    private mutating func build(_ start: Int, _ end: Int, _ obstacles: [Obstacle], _ centres: [SIMD2<Double>]) -> Int {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        var clo = SIMD2<Double>(repeating: .infinity), chi = SIMD2<Double>(repeating: -.infinity)
        for k in start..<end {
            let i = Int(order[k])
            lo = lanewiseMin(lo, obstacles[i].lo); hi = lanewiseMax(hi, obstacles[i].hi)
            clo = lanewiseMin(clo, centres[i]); chi = lanewiseMax(chi, centres[i])
        }
        let index = nodes.count
        nodes.append(Node(lo: lo, hi: hi, start: Int32(start), count: Int32(end - start), right: -1))
        guard end - start > Self.leafSize else { return index }
        // Split at the median along the longer extent of the centres.
        let axis = chi.x - clo.x >= chi.y - clo.y ? 0 : 1
        let middle = (start + end) / 2
        var slice = Array(order[start..<end])
        slice.sort { centres[Int($0)][axis] < centres[Int($1)][axis] || (centres[Int($0)][axis] == centres[Int($1)][axis] && $0 < $1) }
        order.replaceSubrange(start..<end, with: slice)
        nodes[index].count = 0
        build(start, middle, obstacles, centres)
        nodes[index].right = Int32(build(middle, end, obstacles, centres))
        return index
    }

    /// The squared length of the gap between two boxes (0 when they overlap); a z without bounds
    /// (a zone) never separates.
    @inline(__always)
    static func gapSquared(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>, _ bodyLo: SIMD3<Double>, _ bodyHi: SIMD3<Double>) -> Double {
        let gap = lanewiseMax(lanewiseMax(lo - bodyHi, bodyLo - hi), .zero)
        let g = SIMD3(gap.x, gap.y, gap.z.isFinite ? gap.z : 0)
        return simdDot(g, g)
    }

    /// The smallest distance from `body` to the obstacles, and which (-1 when none is within
    /// `cutoff`). The same answer as a scan of every obstacle in order: among equal distances the
    /// lowest index, so reports do not depend on the tree's shape.
    func nearest(to body: UprightBox, bodyLo: SIMD3<Double>, bodyHi: SIMD3<Double>, cutoff: Double,
                 in obstacles: [Obstacle]) -> (Double, Int) {
        var best = cutoff, which = -1
        guard !nodes.isEmpty else { return (best, which) }
        nodes.withUnsafeBufferPointer { nodes in
            order.withUnsafeBufferPointer { order in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.stackCapacity) { stack in
                    var top = 0
                    stack[0] = 0
                    top = 1
                    while top > 0 {
                        top -= 1
                        let index = Int(stack[top])
                        let node = nodes[index]
                        // A box farther than the best cannot hold a nearer obstacle, nor an equal one.
                        if Self.gapSquared(node.lo, node.hi, bodyLo, bodyHi) > best * best { continue }
                        if node.count > 0 {
                            for k in Int(node.start)..<Int(node.start + node.count) {
                                let i = Int(order[k])
                                // A little past the best, so that an equal distance is measured, not cut
                                // off (the cut-off test squares it: nextUp would vanish at 0).
                                let reach = best.isFinite ? best * (1 + 1e-9) + 1e-150 : best
                                let d = obstacles[i].distance(to: body, bodyLo: bodyLo, bodyHi: bodyHi, cutoff: reach)
                                if d < best || (d == best && which >= 0 && i < which) { best = d; which = i }
                            }
                            continue
                        }
                        let left = index + 1, right = Int(node.right)
                        let gl = Self.gapSquared(nodes[left].lo, nodes[left].hi, bodyLo, bodyHi)
                        let gr = Self.gapSquared(nodes[right].lo, nodes[right].hi, bodyLo, bodyHi)
                        precondition(top + 2 <= Self.stackCapacity, "obstacle tree deeper than its stack")
                        // The nearer child is taken first (pushed last).
                        if gl <= gr {
                            stack[top] = Int32(right); stack[top + 1] = Int32(left)
                        } else {
                            stack[top] = Int32(left); stack[top + 1] = Int32(right)
                        }
                        top += 2
                    }
                }
            }
        }
        return (best, which)
    }

    /// Visits every obstacle (its index) in the leaves whose boxes lie nearer than the square root
    /// of `reachSquared()` to the box [lo, hi], depth first; the reach is read again at every node,
    /// so a visit that lowers it prunes what follows.
    @inline(__always)
    private func forEachObstacle(near lo: SIMD3<Double>, _ hi: SIMD3<Double>, reachSquared: () -> Double, _ visit: (Int) -> Void) {
        guard !nodes.isEmpty else { return }
        nodes.withUnsafeBufferPointer { nodes in
            order.withUnsafeBufferPointer { order in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.stackCapacity) { stack in
                    stack[0] = 0
                    var top = 1
                    while top > 0 {
                        top -= 1
                        let index = Int(stack[top])
                        let node = nodes[index]
                        if Self.gapSquared(node.lo, node.hi, lo, hi) >= reachSquared() { continue }
                        if node.count > 0 {
                            for k in Int(node.start)..<Int(node.start + node.count) { visit(Int(order[k])) }
                            continue
                        }
                        precondition(top + 2 <= Self.stackCapacity, "obstacle tree deeper than its stack")
                        stack[top] = node.right; stack[top + 1] = Int32(index + 1)
                        top += 2
                    }
                }
            }
        }
    }

    /// Appends to `result` every obstacle whose box lies nearer than `radius` to the box [lo, hi],
    /// in the tree's order.
    func collect(near lo: SIMD3<Double>, _ hi: SIMD3<Double>, within radius: Double, in obstacles: [Obstacle], into result: inout [Int32]) {
        let reach = radius * radius
        forEachObstacle(near: lo, hi, reachSquared: { reach }) { i in
            if Self.gapSquared(obstacles[i].lo, obstacles[i].hi, lo, hi) < reach { result.append(Int32(i)) }
        }
    }

    /// A lower bound of the distance from a body sweeping `box` to the obstacles (or `cutoff`
    /// when it is at least that), where every point of the body also stays within `ring`: per
    /// obstacle, the larger of its distance to the box and its gap to the ring.
    func lowerBound(sweeping box: UprightBox, bodyLo: SIMD3<Double>, bodyHi: SIMD3<Double>, ring: Ring, cutoff: Double,
                    in obstacles: [Obstacle]) -> Double {
        var best = cutoff
        forEachObstacle(near: bodyLo, bodyHi, reachSquared: { best * best }) { i in
            let o = obstacles[i]
            let gap = ring.gap(to: o)
            if gap >= best { return }
            best = min(best, max(gap, o.distance(to: box, bodyLo: bodyLo, bodyHi: bodyHi, cutoff: best)))
        }
        return best
    }
}
