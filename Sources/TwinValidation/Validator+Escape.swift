import TwinCollision
import TwinGeometry
import TwinLayout
import TwinOperations

/// Escape routes (ASR A2.3): from every workplace (each machine) to an exit, the straight line at
/// most `escape_distance_m`, the walk at most `escape_walk_factor` times that, clear
/// `escape_width_m` wide all the way (`exit_width_m` through the exit's own opening). The straight
/// line is exact; the walk is found on a grid of the floor (5 cm cells, coarser on floors over
/// 2 million cells) around every part's triangles that reach below head height (2.00 m), its
/// length measured along the path pulled taut. The grid judges on the safe side: a passage must be
/// up to a cell wider than asked, and a walk measures up to a few per cent longer than the true
/// shortest (never shorter, but for a cell at its ends).
extension Validator {
    static let escapeCell = 0.05
    static let escapeMaxCells = 2_000_000
    /// Geometry wholly above this does not block a walk (ASR A2.3's clear height of a route).
    static let headHeight = 2.0
    /// How far from its machine's box a person at work stands, at most.
    static let workplaceReach = 1.0

    /// The floor as cells: which are blocked by a part, and how far each lies from a blocked one.
    struct FloorGrid {
        var origin: SIMD2<Double>
        var cell: Double
        var width: Int
        var height: Int
        /// Part covering each cell (-1: none), by index into the validator's boxes.
        var blocker: [Int32]
        /// Distance from each cell's centre to the nearest blocked cell's centre, metres.
        var clearance: [Double]
        /// Inside the building.
        var indoors: [Bool]

        func center(_ i: Int) -> SIMD2<Double> {
            origin + SIMD2(Double(i % width) + 0.5, Double(i / width) + 0.5) * cell
        }

        func index(_ p: SIMD2<Double>) -> Int? {
            let x = Int(((p.x - origin.x) / cell).rounded(.down)), y = Int(((p.y - origin.y) / cell).rounded(.down))
            guard x >= 0, y >= 0, x < width, y < height else { return nil }
            return y * width + x
        }

        /// Which cells' centres lie within `distance` of a door's opening (its box tested first).
        func near(_ doors: [Door], within distance: Double) -> [Bool] {
            let boxes = doors.map { (lo: pointwiseMin($0.from, $0.to) - distance, hi: pointwiseMax($0.from, $0.to) + distance) }
            return (0..<(width * height)).map { i in
                let p = center(i)
                return doors.indices.contains { k in
                    all(p .>= boxes[k].lo) && all(p .<= boxes[k].hi) && Validator.segmentDistance(p, doors[k].from, doors[k].to) <= distance
                }
            }
        }

        /// The cells reached from `seeds` by steps to the four side neighbours within the window
        /// `x0...x1`, `y0...y1` that `admits` lets in, seeds first, each once.
        func flood(from seeds: [Int], x0: Int, y0: Int, x1: Int, y1: Int, admits: (Int) -> Bool) -> [Int] {
            let windowWidth = x1 - x0 + 1
            var seen = [Bool](repeating: false, count: windowWidth * (y1 - y0 + 1))
            var queue: [Int] = []
            queue.reserveCapacity(seeds.count)
            func mark(_ i: Int) -> Bool {
                let k = (i / width - y0) * windowWidth + i % width - x0
                if seen[k] { return false }
                seen[k] = true
                return true
            }
            for i in seeds where mark(i) { queue.append(i) }
            var k = 0
            while k < queue.count {
                let i = queue[k]; k += 1
                let x = i % width, y = i / width
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let nx = x + dx, ny = y + dy
                    guard nx >= x0, ny >= y0, nx <= x1, ny <= y1 else { continue }
                    let j = ny * width + nx
                    if admits(j) && mark(j) { queue.append(j) }
                }
            }
            return queue
        }
    }

    func floorGrid() -> FloorGrid? {
        let outline = buildingOutline
        var lo = SIMD2(Double.infinity, .infinity), hi = -lo
        if let outline { (lo, hi) = Self.bounds(of: outline) } else {
            for box in boxes { lo = pointwiseMin(lo, SIMD2(box.lo.x, box.lo.y)); hi = pointwiseMax(hi, SIMD2(box.hi.x, box.hi.y)) }
        }
        for door in plant.doors { lo = pointwiseMin(lo, pointwiseMin(door.from, door.to)); hi = pointwiseMax(hi, pointwiseMax(door.from, door.to)) }
        guard lo.x.isFinite, hi.x > lo.x, hi.y > lo.y else { return nil }
        lo -= 0.5; hi += 0.5
        let area = (hi.x - lo.x) * (hi.y - lo.y)
        guard area.isFinite else { return nil }
        var cell = max(Self.escapeCell, (area / Double(Self.escapeMaxCells)).squareRoot())
        // A long thin floor rounds up to more cells than its area says: coarser until it fits.
        while ((hi.x - lo.x) / cell).rounded(.up) * ((hi.y - lo.y) / cell).rounded(.up) > Double(Self.escapeMaxCells) { cell *= 1.25 }
        let width = Int(((hi.x - lo.x) / cell).rounded(.up)), height = Int(((hi.y - lo.y) / cell).rounded(.up))
        var grid = FloorGrid(origin: lo, cell: cell, width: width, height: height,
                             blocker: [Int32](repeating: -1, count: width * height), clearance: [], indoors: [])
        // Every cell a part's low triangle touches (seen from above), conservatively: its box of
        // cells, each tested against the triangle's edges and the cell's sides.
        for (b, box) in boxes.enumerated() where box.entity?.category != .agv && box.lo.z < Self.headHeight {
            // The part's triangles: from its tree when it was built, else straight from the meshes.
            let c = built[box.name]?.tree.corners ?? PlantPart.floorTriangles(nodes: partNodes[box.name] ?? [], plant: plant)
            for t in stride(from: 0, to: c.count, by: 3) {
                guard min(c[t].z, c[t + 1].z, c[t + 2].z) < Self.headHeight else { continue }
                let p0 = SIMD2(c[t].x, c[t].y), p1 = SIMD2(c[t + 1].x, c[t + 1].y), p2 = SIMD2(c[t + 2].x, c[t + 2].y)
                let tlo = pointwiseMin(pointwiseMin(p0, p1), p2), thi = pointwiseMax(pointwiseMax(p0, p1), p2)
                let x0 = max(0, Int(((tlo.x - lo.x) / cell).rounded(.down))), x1 = min(width - 1, Int(((thi.x - lo.x) / cell).rounded(.down)))
                let y0 = max(0, Int(((tlo.y - lo.y) / cell).rounded(.down))), y1 = min(height - 1, Int(((thi.y - lo.y) / cell).rounded(.down)))
                guard x0 <= x1, y0 <= y1 else { continue }
                for y in y0...y1 {
                    for x in x0...x1 where grid.blocker[y * width + x] < 0 {
                        let clo = lo + SIMD2(Double(x), Double(y)) * cell
                        if Self.triangle(p0, p1, p2, overlaps: clo, clo + cell) { grid.blocker[y * width + x] = Int32(b) }
                    }
                }
            }
        }
        grid.clearance = Self.distanceTransform(grid.blocker.map { $0 >= 0 }, width: width, height: height).map { $0.squareRoot() * cell }
        if let outline {
            // An upright rectangle (the walls' extent) needs no polygon test.
            let (olo, ohi) = Self.bounds(of: outline)
            let rectangle = Self.isUprightRectangle(outline)
            grid.indoors = (0..<(width * height)).map { i in
                let p = grid.center(i)
                return rectangle ? all(p .>= olo) && all(p .<= ohi) : Self.inside(p, outline)
            }
        } else {
            grid.indoors = [Bool](repeating: true, count: width * height)
        }
        return grid
    }

    /// Whether a triangle and an upright box on the floor share a point (separating axes: the
    /// box's two, the triangle's three edge normals).
    /// Touching counts only for a triangle seen edge on (an upright face, a segment from above):
    /// a face lying on a cell's side then blocks the cells on both sides.
    static func triangle(_ p0: SIMD2<Double>, _ p1: SIMD2<Double>, _ p2: SIMD2<Double>, overlaps lo: SIMD2<Double>, _ hi: SIMD2<Double>) -> Bool {
        let e1 = p1 - p0, e2 = p2 - p0
        let flat = abs(e1.x * e2.y - e1.y * e2.x) < 1e-12
        @inline(__always) func apart(_ a: Double, _ b: Double) -> Bool { flat ? a < b : a <= b }
        let tlo = pointwiseMin(pointwiseMin(p0, p1), p2), thi = pointwiseMax(pointwiseMax(p0, p1), p2)
        if apart(thi.x, lo.x) || apart(hi.x, tlo.x) || apart(thi.y, lo.y) || apart(hi.y, tlo.y) { return false }
        @inline(__always) func separates(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ other: SIMD2<Double>) -> Bool {
            let n = SIMD2(a.y - b.y, b.x - a.x)
            if (n * n).sum() < 1e-24 { return false }
            let t0 = (a * n).sum(), t1 = (other * n).sum()
            let tMin = min(t0, t1), tMax = max(t0, t1)
            // The box's corners along the normal: its centre's, give or take its half extent.
            let centre = ((lo + hi) * 0.5 * n).sum(), reach = (((hi - lo) * 0.5) * SIMD2(abs(n.x), abs(n.y))).sum()
            return apart(tMax, centre - reach) || apart(centre + reach, tMin)
        }
        return !(separates(p0, p1, p2) || separates(p1, p2, p0) || separates(p2, p0, p1))
    }

    /// The squared distance (in cells) from each cell to the nearest marked one (Felzenszwalb and
    /// Huttenlocher's exact transform, rows then columns).
    static func distanceTransform(_ marked: [Bool], width: Int, height: Int) -> [Double] {
        let far = Double(width * width + height * height + 1)
        var d = marked.map { $0 ? 0.0 : far }
        var f = [Double](repeating: 0, count: max(width, height)), out = f
        var v = [Int](repeating: 0, count: max(width, height)), z = [Double](repeating: 0, count: max(width, height) + 1)
        func pass(_ n: Int) {
            var k = 0
            v[0] = 0; z[0] = -.infinity; z[1] = .infinity
            if n > 1 {
                for q in 1..<n {
                    var s = ((f[q] + Double(q * q)) - (f[v[k]] + Double(v[k] * v[k]))) / Double(2 * q - 2 * v[k])
                    while s <= z[k] {
                        k -= 1
                        s = ((f[q] + Double(q * q)) - (f[v[k]] + Double(v[k] * v[k]))) / Double(2 * q - 2 * v[k])
                    }
                    k += 1; v[k] = q; z[k] = s; z[k + 1] = .infinity
                }
            }
            k = 0
            for q in 0..<n {
                while z[k + 1] < Double(q) { k += 1 }
                out[q] = Double((q - v[k]) * (q - v[k])) + f[v[k]]
            }
        }
        for y in 0..<height {
            for x in 0..<width { f[x] = d[y * width + x] }
            pass(width)
            for x in 0..<width { d[y * width + x] = out[x] }
        }
        for x in 0..<width {
            for y in 0..<height { f[y] = d[y * width + x] }
            pass(height)
            for y in 0..<height { d[y * width + x] = out[y] }
        }
        return d
    }

    /// A binary min-heap of (key, cell).
    struct CellHeap {
        var keys: [Double] = [], cells: [Int32] = []
        var isEmpty: Bool { keys.isEmpty }
        mutating func push(_ key: Double, _ cell: Int) {
            keys.append(key); cells.append(Int32(cell))
            var i = keys.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard keys[p] > keys[i] else { break }
                keys.swapAt(p, i); cells.swapAt(p, i); i = p
            }
        }
        mutating func pop() -> (Double, Int) {
            let top = (keys[0], Int(cells[0]))
            let lastKey = keys.removeLast(), lastCell = cells.removeLast()
            if !keys.isEmpty {
                keys[0] = lastKey; cells[0] = lastCell
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < keys.count && keys[l] < keys[m] { m = l }
                    if r < keys.count && keys[r] < keys[m] { m = r }
                    if m == i { break }
                    keys.swapAt(m, i); cells.swapAt(m, i); i = m
                }
            }
            return top
        }
    }

    /// Moves between cells: the eight neighbours, and the eight knight's moves (the walk on the
    /// grid then errs by at most 2.7 % from the straight line instead of 8.2 %), each with the
    /// cells it passes through, which must be walkable too.
    static let neighbours: [(dx: Int, dy: Int, cost: Double, through: [(Int, Int)])] = {
        var moves: [(dx: Int, dy: Int, cost: Double, through: [(Int, Int)])] = []
        for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] { moves.append((dx, dy, 1, [])) }
        for (dx, dy) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] { moves.append((dx, dy, 2.0.squareRoot(), [(dx, 0), (0, dy)])) }
        for (dx, dy) in [(2, 1), (2, -1), (-2, 1), (-2, -1), (1, 2), (1, -2), (-1, 2), (-1, -2)] {
            // The two cells the move's line crosses on its way.
            let through = abs(dx) == 2 ? [(dx / 2, 0), (dx / 2, dy)] : [(0, dy / 2), (dx, dy / 2)]
            moves.append((dx, dy, 5.0.squareRoot(), through))
        }
        return moves
    }()

    func escapeRoutes() -> [Violation] {
        let exits = plant.doors.filter(\.exit)
        let workplaces = boxes.filter { $0.entity?.category == .machine }
        guard !exits.isEmpty, !workplaces.isEmpty else { return [] }
        var out: [Violation] = []
        func nearestExit(_ p: SIMD2<Double>) -> (door: Door, distance: Double) {
            exits.map { ($0, Self.segmentDistance(p, $0.from, $0.to)) }.min { $0.1 < $1.1 }!
        }
        // The straight line, exact.
        if let limit = rules.escapeDistance {
            for box in workplaces {
                let centre = SIMD2((box.lo.x + box.hi.x) / 2, (box.lo.y + box.hi.y) / 2)
                let (door, d) = nearestExit(centre)
                if d > limit + 1e-9 {
                    out.append(Violation(rule: .escape, entities: [box.name, door.id], measured: d, required: limit, place: centre,
                                         message: String(format: "%@'s nearest exit (%@) lies %.2f m away in a straight line; %.0f m allowed (ASR A2.3)",
                                                         box.name, door.id, d, limit)))
                }
            }
        }
        guard let width = rules.escapeWidth, let grid = floorGrid() else { return out }
        let exitWidth = min(rules.exitWidth ?? width, width)
        let count = grid.width * grid.height
        // Walkable: indoors, and clear by half the width (half the exit's width in an exit's opening);
        // a cell's clearance counts from the blocked cell's edge, half a cell nearer than its centre.
        var walkable = [Bool](repeating: false, count: count)
        var isExit = [Bool](repeating: false, count: count)
        let inExit = grid.near(exits, within: grid.cell)
        for i in 0..<count {
            let atExit = inExit[i]
            let half = (atExit ? exitWidth : width) / 2
            walkable[i] = grid.blocker[i] < 0 && (grid.indoors[i] || atExit) && grid.clearance[i] - grid.cell / 2 >= half - 1e-9
            isExit[i] = atExit && walkable[i]
        }
        // The walk from every cell to its nearest exit (Dijkstra from all exits at once).
        let (walk, toward) = Self.walks(from: isExit, over: walkable, grid: grid)
        out += walkwaysToExits(grid: grid, walkable: walkable, exits: exits)
        let walkLimit = rules.escapeDistance.map { $0 * rules.escapeWalkFactor }
        var widest: WidestWays?
        for box in workplaces {
            coverage.escapeWorkplaces += 1
            // Where a person at work stands: walkable cells beside the machine that can be reached
            // from it without crossing a part.
            let starts = workplaceCells(of: box, grid: grid).filter { walkable[$0] }
            let reach = Self.workplaceReach
            let centre = SIMD2((box.lo.x + box.hi.x) / 2, (box.lo.y + box.hi.y) / 2)
            guard let start = starts.min(by: { walk[$0] < walk[$1] }), walk[start].isFinite else {
                let (door, _) = nearestExit(centre)
                if widest == nil && !starts.isEmpty { widest = widestWays(grid: grid, from: inExit) }
                let narrowest = widest.flatMap { narrowestPassage(from: box, grid: grid, widest: $0) }
                let detail = narrowest.map { String(format: "; narrowest %.2f m wide at (%.1f, %.1f)%@", $0.width, $0.at.x, $0.at.y,
                                                    $0.between.isEmpty ? "" : " between " + $0.between.joined(separator: " and ")) } ?? ""
                out.append(Violation(rule: .escape, entities: [box.name, door.id] + (narrowest?.between ?? []), measured: narrowest?.width, required: width,
                                     place: narrowest?.at ?? centre,
                                     message: starts.isEmpty
                                        ? String(format: "no floor %.2f m wide within %.1f m of %@: its workplace is shut in", width, reach, box.name)
                                        : String(format: "no escape route %.2f m wide from %@ to an exit%@", width, box.name, detail)))
                continue
            }
            // The walk on the grid is never shorter than the taut one; pull it taut where it matters.
            guard let walkLimit, walk[start] > walkLimit else { continue }
            var path = [start]
            while toward[path.last!] >= 0 { path.append(Int(toward[path.last!])) }
            let length = tautLength(path, grid: grid, walkable: walkable) + 0
            if length > walkLimit + 1e-9 {
                out.append(Violation(rule: .escape, entities: [box.name], measured: length, required: walkLimit, place: grid.center(start),
                                     message: String(format: "the walk from %@ to the nearest exit is %.1f m; %.1f m allowed (%.1f x %.0f m, ASR A2.3)",
                                                     box.name, length, walkLimit, rules.escapeWalkFactor, rules.escapeDistance ?? 0)))
            }
        }
        return out
    }

    /// Walkways lead to an exit: all of each walkway's walkable floor joins, over walkable floor
    /// inside walkways, the floor within `door_clearance_m` (1 m without one) of an exit's opening.
    /// A walkway cut by a part, or one that ends nowhere, is named.
    func walkwaysToExits(grid: FloorGrid, walkable: [Bool], exits: [Door]) -> [Violation] {
        let walkways = plant.zones.filter { $0.kind == .walkway && $0.polygon.count >= 3 }
        guard !walkways.isEmpty else { return [] }
        let count = grid.width * grid.height
        let near = rules.doorClearance ?? 1.0
        var onWalkway = [Int32](repeating: -1, count: count)
        for (k, zone) in walkways.enumerated() {
            let (lo, hi) = Self.bounds(of: zone.polygon)
            let x0 = max(0, Int(((lo.x - grid.origin.x) / grid.cell).rounded(.down))), x1 = min(grid.width - 1, Int(((hi.x - grid.origin.x) / grid.cell).rounded(.down)))
            let y0 = max(0, Int(((lo.y - grid.origin.y) / grid.cell).rounded(.down))), y1 = min(grid.height - 1, Int(((hi.y - grid.origin.y) / grid.cell).rounded(.down)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let i = y * grid.width + x
                    if walkable[i] && Self.inside(grid.center(i), zone.polygon) { onWalkway[i] = Int32(k) }
                }
            }
        }
        let nearExit = grid.near(exits, within: near)
        var reached = [Bool](repeating: false, count: count)
        for i in grid.flood(from: (0..<count).filter { walkable[$0] && nearExit[$0] }, x0: 0, y0: 0, x1: grid.width - 1, y1: grid.height - 1,
                            admits: { onWalkway[$0] >= 0 }) {
            reached[i] = true
        }
        // A square metre or more of a walkway that leads nowhere (smaller pockets, in a corner
        // by a machine, are no walkway's length).
        var out: [Violation] = []
        var stranded = [[Int]](repeating: [], count: walkways.count), anyReached = [Bool](repeating: false, count: walkways.count)
        for i in 0..<count where onWalkway[i] >= 0 {
            if reached[i] { anyReached[Int(onWalkway[i])] = true } else { stranded[Int(onWalkway[i])].append(i) }
        }
        for (k, zone) in walkways.enumerated() {
            let stranded = stranded[k], anyReached = anyReached[k]
            let area = Double(stranded.count) * grid.cell * grid.cell
            guard area >= 1 else { continue }
            let centre = stranded.reduce(SIMD2<Double>(0, 0)) { $0 + grid.center($1) } / Double(stranded.count)
            out.append(Violation(rule: .escape, entities: [zone.id], measured: area, place: centre,
                                 message: anyReached
                                    ? String(format: "walkway %@ is cut: %.1f m² of it, around (%.1f, %.1f), leads to no exit along walkways %.2f m clear", zone.id, area, centre.x, centre.y, rules.escapeWidth ?? 0)
                                    : String(format: "walkway %@ leads to no exit along walkways %.2f m clear", zone.id, rules.escapeWidth ?? 0)))
        }
        return out
    }

    /// The free cells within reach of a machine's box (outside it), found by spreading from the
    /// cells beside the box through free cells only: a ring of racks round it shuts the rest out.
    func workplaceCells(of box: PartBox, grid: FloorGrid) -> [Int] {
        let reach = Self.workplaceReach
        func gap(_ i: Int) -> Double? {
            let p = grid.center(i)
            guard p.x < box.lo.x || p.x > box.hi.x || p.y < box.lo.y || p.y > box.hi.y else { return nil }
            let g = pointwiseMax(pointwiseMax(SIMD2(box.lo.x, box.lo.y) - p, p - SIMD2(box.hi.x, box.hi.y)), .zero)
            return simdLength(g)
        }
        let x0 = max(0, Int(((box.lo.x - reach - grid.origin.x) / grid.cell).rounded(.down)))
        let x1 = min(grid.width - 1, Int(((box.hi.x + reach - grid.origin.x) / grid.cell).rounded(.up)))
        let y0 = max(0, Int(((box.lo.y - reach - grid.origin.y) / grid.cell).rounded(.down)))
        let y1 = min(grid.height - 1, Int(((box.hi.y + reach - grid.origin.y) / grid.cell).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return [] }
        // Seeds: the free cells right beside the box; then on through free cells within reach.
        var seeds: [Int] = []
        for y in y0...y1 {
            for x in x0...x1 {
                let i = y * grid.width + x
                if grid.blocker[i] < 0, let g = gap(i), g <= 2 * grid.cell { seeds.append(i) }
            }
        }
        return grid.flood(from: seeds, x0: x0, y0: y0, x1: x1, y1: y1) { j in
            guard grid.blocker[j] < 0, let g = gap(j) else { return false }
            return g <= reach
        }
    }

    /// The walk from every cell to the nearest of `sources` over `walkable` cells (metres,
    /// infinity where none leads), and the next cell on the way: Dijkstra's search with a bucket
    /// queue (Dial's), each move's length in hundredths of a cell rounded up, so that a walk on the
    /// grid is never shorter than the path it follows.
    static func walks(from sources: [Bool], over walkable: [Bool], grid: FloorGrid) -> (walk: [Double], toward: [Int32]) {
        let count = grid.width * grid.height
        // Each move as index offsets: to the cell, and through the (up to two) cells it crosses,
        // which lie within the box of the move, so inside the grid when the cell is.
        let w = grid.width
        let moves = neighbours.map { n in
            (dx: n.dx, dy: n.dy, cost: Int32((n.cost * 100).rounded(.up)), to: n.dy * w + n.dx,
             through0: n.through.first.map { $0.1 * w + $0.0 } ?? 0, through1: n.through.last.map { $0.1 * w + $0.0 } ?? 0)
        }
        let ring = Int(moves.map(\.cost).max()!) + 1
        var distance = [Int32](repeating: .max, count: count)
        var toward = [Int32](repeating: -1, count: count)
        var buckets = [[Int32]](repeating: [], count: ring)
        var pending = 0
        for i in 0..<count where sources[i] { distance[i] = 0; buckets[0].append(Int32(i)); pending += 1 }
        var d: Int32 = 0
        var current: [Int32] = []
        walkable.withUnsafeBufferPointer { open in
            while pending > 0 {
                let b = Int(d) % ring
                swap(&current, &buckets[b])
                for cell in current {
                    pending -= 1
                    let i = Int(cell)
                    guard distance[i] == d else { continue }
                    let x = i % w, y = i / w
                    for m in moves {
                        let nx = x + m.dx, ny = y + m.dy
                        guard nx >= 0, ny >= 0, nx < w, ny < grid.height else { continue }
                        let j = i + m.to
                        guard open[j], open[i + m.through0], open[i + m.through1] else { continue }
                        let nd = d + m.cost
                        if nd < distance[j] {
                            distance[j] = nd; toward[j] = cell
                            buckets[Int(nd) % ring].append(Int32(j)); pending += 1
                        }
                    }
                }
                current.removeAll(keepingCapacity: true)
                d += 1
            }
        }
        let walk = distance.map { $0 == .max ? Double.infinity : Double($0) * grid.cell / 100 }
        return (walk, toward)
    }

    /// A grid path's length pulled taut: from each corner, straight on to the farthest later cell
    /// in sight (every half cell along the line walkable).
    func tautLength(_ path: [Int], grid: FloorGrid, walkable: [Bool]) -> Double {
        func visible(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Bool {
            let steps = max(1, Int((simdLength(SIMD2(b.x - a.x, b.y - a.y)) / (grid.cell / 2)).rounded(.up)))
            for k in 0...steps {
                guard let i = grid.index(a + (b - a) * (Double(k) / Double(steps))), walkable[i] else { return false }
            }
            return true
        }
        var length = 0.0, anchor = 0
        while anchor < path.count - 1 {
            let a = grid.center(path[anchor])
            // The farthest later cell in sight: strides doubling while in sight, then halving
            // back (a line is only taken when every point on it is walkable).
            var next = anchor + 1, step = 1
            while next + step < path.count && visible(a, grid.center(path[next + step])) { next += step; step *= 2 }
            while step > 1 {
                step /= 2
                if next + step < path.count && visible(a, grid.center(path[next + step])) { next += step }
            }
            let b = grid.center(path[next])
            length += simdLength(SIMD2(b.x - a.x, b.y - a.y))
            anchor = next
        }
        return length
    }

    /// For every cell the widest bottleneck (half-width, by the grid's clearance) of any way from
    /// an exit's cells (`inExit`) to it, and the next cell on that way.
    struct WidestWays {
        var best: [Double]
        var toward: [Int32]
    }

    func widestWays(grid: FloorGrid, from inExit: [Bool]) -> WidestWays {
        let count = grid.width * grid.height
        var best = [Double](repeating: -1, count: count)
        var toward = [Int32](repeating: -1, count: count)
        var heap = CellHeap()
        for i in 0..<count where grid.blocker[i] < 0 && inExit[i] { best[i] = grid.clearance[i]; heap.push(-best[i], i) }
        while !heap.isEmpty {
            let (negative, i) = heap.pop()
            guard -negative >= best[i] else { continue }
            let x = i % grid.width, y = i / grid.width
            for n in Self.neighbours {
                let nx = x + n.dx, ny = y + n.dy
                guard nx >= 0, ny >= 0, nx < grid.width, ny < grid.height else { continue }
                let j = ny * grid.width + nx
                guard grid.blocker[j] < 0, grid.indoors[j], n.through.allSatisfy({ grid.blocker[(y + $0.1) * grid.width + x + $0.0] < 0 }) else { continue }
                let value = min(best[i], grid.clearance[j])
                if value > best[j] { best[j] = value; toward[j] = Int32(i); heap.push(-value, j) }
            }
        }
        return WidestWays(best: best, toward: toward)
    }

    /// The widest way out from beside a machine to an exit, ignoring the width rule: where it is
    /// narrowest, how wide, and the parts on either side.
    func narrowestPassage(from box: PartBox, grid: FloorGrid, widest: WidestWays) -> (width: Double, at: SIMD2<Double>, between: [String])? {
        let best = widest.best, toward = widest.toward
        // The best cell beside the machine; its way out followed to the narrowest cell on it.
        guard let start = workplaceCells(of: box, grid: grid).filter({ best[$0] > 0 }).max(by: { best[$0] < best[$1] }) else { return nil }
        let bottleneck = best[start]
        var narrowest = start, i = start
        while toward[i] >= 0 {
            i = Int(toward[i])
            if grid.clearance[i] < grid.clearance[narrowest] { narrowest = i }
        }
        let at = grid.center(narrowest)
        // The parts on either side: the nearest blocked cells' parts around the bottleneck.
        var near: [(String, Double)] = []
        let r = Int((bottleneck / grid.cell).rounded(.up)) + 2
        if let centre = grid.index(at) {
            let cx = centre % grid.width, cy = centre / grid.width
            for y in max(0, cy - r)...min(grid.height - 1, cy + r) {
                for x in max(0, cx - r)...min(grid.width - 1, cx + r) {
                    let b = grid.blocker[y * grid.width + x]
                    guard b >= 0 else { continue }
                    let d = simdLength(grid.center(y * grid.width + x) - at)
                    let name = boxes[Int(b)].name
                    if let k = near.firstIndex(where: { $0.0 == name }) { near[k].1 = min(near[k].1, d) } else { near.append((name, d)) }
                }
            }
        }
        let between = near.sorted { $0.1 < $1.1 }.prefix(2).map(\.0)
        return (max(0, 2 * (bottleneck - grid.cell / 2)), at, between)
    }
}
