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

    /// Triangles per leaf, at most.
    static let leafSize = 4
    /// Bins per split: the surface area heuristic is evaluated at their boundaries.
    static let binCount = 16
    /// The query stack: a query holds at most two entries per level, and the depth is at most
    /// maximumSAHDepth + log2(n).
    static let stackCapacity = 256
    /// Below this depth splits follow the surface area heuristic, beyond it they halve.
    static let maximumSAHDepth = 64

    /// Builds the tree over `triangles` (three corners each) by binned surface-area splits in
    /// O(n log n): each triangle's box is computed once and kept with its index in one record
    /// that the splits partition in place (sequential passes, no gathers); a node's bounds come
    /// from its parent's bins, so each node costs one binning and one partition pass.
    public init(triangles: [SIMD3<Double>]) {
        let n = triangles.count / 3
        guard n > 0 else {
            corners = []
            nodes = [Node(lo: .zero, hi: .zero, start: 0, count: 0)]
            return
        }
        var refs = [Ref](unsafeUninitializedCapacity: n) { buffer, count in
            triangles.withUnsafeBufferPointer { tri in
                for t in 0..<n {
                    let a = tri[3 * t], b = tri[3 * t + 1], c = tri[3 * t + 2]
                    buffer[t] = Ref(lo: lanewiseMin(lanewiseMin(a, b), c), hi: lanewiseMax(lanewiseMax(a, b), c), index: Int32(t))
                }
            }
            count = n
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(2 * (n / Self.leafSize) + 1)
        refs.withUnsafeMutableBufferPointer { refs in
            let (lo, hi, clo, chi) = Self.bounds(refs, 0, n)
            let scratch = Scratch()
            defer { scratch.release() }
            Self.build(0, n, lo: lo, hi: hi, centroidLo: clo, centroidHi: chi, depth: 0, refs: refs, scratch: scratch, nodes: &nodes)
        }
        var flat = [SIMD3<Double>]()
        flat.reserveCapacity(3 * n)
        triangles.withUnsafeBufferPointer { tri in
            for r in refs { let t = Int(r.index); flat.append(tri[3 * t]); flat.append(tri[3 * t + 1]); flat.append(tri[3 * t + 2]) }
        }
        corners = flat
        self.nodes = nodes
    }

    /// A triangle while the tree is built: its box (the centroid of the box is what splits sort by).
    private struct Ref {
        var lo: SIMD3<Double>
        var hi: SIMD3<Double>
        var index: Int32
        @inline(__always) var centre: SIMD3<Double> { (lo + hi) * 0.5 }
    }

    /// The bins of one split, reused by every node (a split is done before its children are built).
    private struct Scratch {
        let lo = UnsafeMutablePointer<SIMD3<Double>>.allocate(capacity: binCount)
        let hi = UnsafeMutablePointer<SIMD3<Double>>.allocate(capacity: binCount)
        let centroidLo = UnsafeMutablePointer<SIMD3<Double>>.allocate(capacity: binCount)
        let centroidHi = UnsafeMutablePointer<SIMD3<Double>>.allocate(capacity: binCount)
        let count = UnsafeMutablePointer<Int>.allocate(capacity: binCount)
        let leftCost = UnsafeMutablePointer<Double>.allocate(capacity: binCount)
        func release() {
            lo.deallocate(); hi.deallocate(); centroidLo.deallocate(); centroidHi.deallocate(); count.deallocate(); leftCost.deallocate()
        }
    }

    /// One coordinate of `v` (a branch the loop predicts, where a variable lane index goes
    /// through memory).
    @inline(__always)
    private static func coordinate(_ v: SIMD3<Double>, _ axis: Int) -> Double { axis == 0 ? v.x : (axis == 1 ? v.y : v.z) }

    /// The bounds of refs[start..<end] and of their centroids.
    private static func bounds(_ refs: UnsafeMutableBufferPointer<Ref>, _ start: Int, _ end: Int)
        -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        var clo = lo, chi = hi
        for k in start..<end {
            let r = refs[k]
            lo = lanewiseMin(lo, r.lo); hi = lanewiseMax(hi, r.hi)
            clo = lanewiseMin(clo, r.centre); chi = lanewiseMax(chi, r.centre)
        }
        return (lo, hi, clo, chi)
    }

    /// Builds the node over refs[start..<end] (whose bounds and centroid bounds are given) and its
    /// subtree, depth first (a node's left child follows it).
    private static func build(_ start: Int, _ end: Int, lo: SIMD3<Double>, hi: SIMD3<Double>,
                              centroidLo clo: SIMD3<Double>, centroidHi chi: SIMD3<Double>, depth: Int,
                              refs: UnsafeMutableBufferPointer<Ref>, scratch: Scratch, nodes: inout [Node]) {
        let index = nodes.count
        nodes.append(Node(lo: lo, hi: hi, start: Int32(start), count: Int32(end - start)))
        guard end - start > leafSize else { return }
        let extent = chi - clo
        let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
        var middle = -1
        var left = (lo, hi, clo, chi), right = (lo, hi, clo, chi)
        if depth < maximumSAHDepth && extent[axis] > 0 {
            // Bin the centroids along the axis; the boundary between bins with the least
            // area-weighted count wins.
            // Fewer bins for small nodes: there, resetting and sweeping 16 bins costs more than the
            // triangles do.
            let bins = min(binCount, max(4, (end - start) / 4))
            let binLo = scratch.lo, binHi = scratch.hi, binCLo = scratch.centroidLo, binCHi = scratch.centroidHi
            let binN = scratch.count, leftCost = scratch.leftCost
            for b in 0..<bins {
                binLo[b] = SIMD3(repeating: .infinity); binHi[b] = SIMD3(repeating: -.infinity)
                binCLo[b] = binLo[b]; binCHi[b] = binHi[b]; binN[b] = 0
            }
            let scale = Double(bins) / extent[axis], origin = clo[axis]
            for k in start..<end {
                let r = refs[k], c = r.centre
                let b = min(bins - 1, Int((Self.coordinate(c, axis) - origin) * scale))
                binN[b] += 1
                binLo[b] = lanewiseMin(binLo[b], r.lo); binHi[b] = lanewiseMax(binHi[b], r.hi)
                binCLo[b] = lanewiseMin(binCLo[b], c); binCHi[b] = lanewiseMax(binCHi[b], c)
            }
            @inline(__always) func area(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>) -> Double {
                let e = hi - lo
                return e.x * e.y + e.y * e.z + e.z * e.x
            }
            // Costs of the left sides from the left, then of the right sides from the right.
            var accLo = SIMD3<Double>(repeating: .infinity), accHi = SIMD3<Double>(repeating: -.infinity), accN = 0
            for b in 0..<(bins - 1) {
                accN += binN[b]
                accLo = lanewiseMin(accLo, binLo[b]); accHi = lanewiseMax(accHi, binHi[b])
                leftCost[b] = accN > 0 ? area(accLo, accHi) * Double(accN) : 0
            }
            accLo = SIMD3(repeating: .infinity); accHi = SIMD3(repeating: -.infinity); accN = 0
            var bestCost = Double.infinity, bestBin = -1
            for b in stride(from: bins - 1, to: 0, by: -1) {
                accN += binN[b]
                accLo = lanewiseMin(accLo, binLo[b]); accHi = lanewiseMax(accHi, binHi[b])
                guard end - start - accN > 0 && accN > 0 else { continue }
                let cost = leftCost[b - 1] + area(accLo, accHi) * Double(accN)
                if cost < bestCost { bestCost = cost; bestBin = b }
            }
            if bestBin > 0 {
                // Both sides' bounds from the bins, then the partition in place.
                left = (SIMD3(repeating: .infinity), SIMD3(repeating: -.infinity), SIMD3(repeating: .infinity), SIMD3(repeating: -.infinity))
                right = left
                for b in 0..<bins where binN[b] > 0 {
                    if b < bestBin {
                        left = (lanewiseMin(left.0, binLo[b]), lanewiseMax(left.1, binHi[b]), lanewiseMin(left.2, binCLo[b]), lanewiseMax(left.3, binCHi[b]))
                    } else {
                        right = (lanewiseMin(right.0, binLo[b]), lanewiseMax(right.1, binHi[b]), lanewiseMin(right.2, binCLo[b]), lanewiseMax(right.3, binCHi[b]))
                    }
                }
                var i = start, j = end - 1
                while i <= j {
                    if min(bins - 1, Int((Self.coordinate(refs[i].centre, axis) - origin) * scale)) < bestBin { i += 1 } else { refs.swapAt(i, j); j -= 1 }
                }
                middle = i
            }
        }
        if middle <= start || middle >= end {
            // No split by bins (equal centroids) or past the depth for them (lopsided splits on a
            // pathological mesh): halves by the centroids, so the depth stays within
            // maximumSAHDepth + log2(n).
            let slice = UnsafeMutableBufferPointer(rebasing: refs[start..<end])
            var sorted = slice
            sorted.sort { (a: Ref, b: Ref) -> Bool in
                let ca: Double = a.centre[axis], cb: Double = b.centre[axis]
                return ca < cb || (ca == cb && a.index < b.index)
            }
            middle = (start + end) / 2
            left = bounds(refs, start, middle)
            right = bounds(refs, middle, end)
        }
        build(start, middle, lo: left.0, hi: left.1, centroidLo: left.2, centroidHi: left.3, depth: depth + 1,
              refs: refs, scratch: scratch, nodes: &nodes)
        nodes[index].start = Int32(nodes.count)
        nodes[index].count = 0
        build(middle, end, lo: right.0, hi: right.1, centroidLo: right.2, centroidHi: right.3, depth: depth + 1,
              refs: refs, scratch: scratch, nodes: &nodes)
    }

    /// The distance from `box` to the nearest triangle, or `cutoff` when none is nearer.
    public func distance(to box: UprightBox, cutoff: Double = .infinity) -> Double {
        guard triangleCount > 0 else { return cutoff }
        let (boxLo, boxHi) = box.bounds
        var best = cutoff
        nodes.withUnsafeBufferPointer { nodes in
            corners.withUnsafeBufferPointer { corners in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: Self.stackCapacity) { stack in
                    stack[0] = 0
                    var top = 1
                    while top > 0 {
                        top -= 1
                        let i = stack[top]
                        let node = nodes[Int(i)]
                        let gap = lanewiseMax(lanewiseMax(node.lo - boxHi, boxLo - node.hi), .zero)
                        if simdDot(gap, gap) >= best * best { continue }
                        if node.count > 0 {
                            for t in Int(node.start)..<Int(node.start + node.count) {
                                let d = GJK.distance(box, corners[3 * t], corners[3 * t + 1], corners[3 * t + 2])
                                if d < best { best = d }
                                if best == 0 { return }
                            }
                        } else {
                            precondition(top + 2 <= Self.stackCapacity, "triangle tree deeper than its stack")
                            stack[top] = node.start
                            stack[top + 1] = i + 1
                            top += 2
                        }
                    }
                }
            }
        }
        return best
    }
}
