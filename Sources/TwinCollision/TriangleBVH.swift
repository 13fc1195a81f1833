import TwinGeometry

/// A bounding-volume hierarchy over triangles in the floor frame, for distance queries from an
/// AGV body: nodes whose box lies farther than the best distance found so far are skipped.
/// Nodes and triangles are kept in flat arrays; queries allocate nothing but a small stack.
public struct TriangleBVH: Sendable {
    struct Node {
        var lo: SIMD3<Double>
        var hi: SIMD3<Double>
        /// For a leaf, the first triangle and the count; for an inner node, the right child
        /// (the left child follows its parent) and count 0.
        var start: Int32
        var count: Int32
    }

    /// Corners, three per triangle, in the order of the tree's leaves.
    public let corners: [SIMD3<Double>]
    let nodes: [Node]

    public var triangleCount: Int { corners.count / 3 }
    public var bounds: (lo: SIMD3<Double>, hi: SIMD3<Double>) { (nodes[0].lo, nodes[0].hi) }

    /// Builds the tree over `triangles` (three corners each).
    public init(triangles: [SIMD3<Double>]) {
        let n = triangles.count / 3
        var order = Array(0..<n)
        var centroids: [SIMD3<Double>] = []
        centroids.reserveCapacity(n)
        for t in 0..<n {
            let sum: SIMD3<Double> = triangles[3 * t] + triangles[3 * t + 1] + triangles[3 * t + 2]
            centroids.append(sum / 3)
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(max(1, 2 * n / 2))
        func bounds(_ range: Range<Int>) -> (SIMD3<Double>, SIMD3<Double>) {
            var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
            for i in range {
                let t = order[i]
                for k in 0..<3 { lo = pointwiseMin(lo, triangles[3 * t + k]); hi = pointwiseMax(hi, triangles[3 * t + k]) }
            }
            return (lo, hi)
        }
        func build(_ range: Range<Int>) {
            let (lo, hi) = bounds(range)
            let index = nodes.count
            nodes.append(Node(lo: lo, hi: hi, start: Int32(range.lowerBound), count: Int32(range.count)))
            guard range.count > 4 else { return }
            let extent = hi - lo
            let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
            order[range].sort { centroids[$0][axis] < centroids[$1][axis] }
            let mid = range.lowerBound + range.count / 2
            build(range.lowerBound..<mid)
            nodes[index].start = Int32(nodes.count)
            nodes[index].count = 0
            build(mid..<range.upperBound)
        }
        if n > 0 { build(0..<n) } else {
            nodes.append(Node(lo: .zero, hi: .zero, start: 0, count: 0))
        }
        var flat: [SIMD3<Double>] = []
        flat.reserveCapacity(3 * n)
        for t in order { flat.append(triangles[3 * t]); flat.append(triangles[3 * t + 1]); flat.append(triangles[3 * t + 2]) }
        corners = flat
        self.nodes = nodes
    }

    /// The distance from `box` to the nearest triangle, or `cutoff` when none is nearer.
    public func distance(to box: UprightBox, cutoff: Double = .infinity) -> Double {
        guard triangleCount > 0 else { return cutoff }
        let (boxLo, boxHi) = box.bounds
        var best = cutoff
        var stack: [Int32] = [0]
        stack.reserveCapacity(64)
        nodes.withUnsafeBufferPointer { nodes in
            corners.withUnsafeBufferPointer { corners in
                while let i = stack.popLast() {
                    let node = nodes[Int(i)]
                    let gap = pointwiseMax(pointwiseMax(node.lo - boxHi, boxLo - node.hi), .zero)
                    if simdDot(gap, gap) >= best * best { continue }
                    if node.count > 0 {
                        for t in Int(node.start)..<Int(node.start + node.count) {
                            let d = GJK.distance(box, corners[3 * t], corners[3 * t + 1], corners[3 * t + 2])
                            if d < best { best = d }
                            if best == 0 { return }
                        }
                    } else {
                        stack.append(node.start)
                        stack.append(i + 1)
                    }
                }
            }
        }
        return best
    }
}
