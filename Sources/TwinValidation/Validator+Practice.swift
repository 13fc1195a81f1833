import TwinCollision
import TwinGeometry
import TwinLayout
import TwinOperations

/// Rules from practice that hold the floor in front of something free: doors kept clear, service
/// space in front of cabinets and machine doors, forklift working aisles in front of racks; and
/// the overhead rules (AGVs under lintels, parts under a crane's hook) and material-flow links.
extension Validator {
    /// What stands nearest in front of a side: the floor rectangle from the segment `a`-`b` out to
    /// `depth` along `normal`, and the distance from the segment to the nearest triangle of another
    /// part within it (each triangle, seen from above, clipped to the rectangle: exact). Triangles
    /// wholly at or above `below` (a lintel over a door) do not count, nor do the parts named in
    /// `skipping`, AGVs, and parts that only touch the rectangle's sides (a millimetre is allowed,
    /// so that the walls beside a door stay out of it). Nil: the rectangle is free.
    func nearestInFront(of a: SIMD2<Double>, _ b: SIMD2<Double>, normal: SIMD2<Double>, depth: Double,
                        skipping: Set<String>, below: Double = .infinity) -> (distance: Double, by: String, at: SIMD2<Double>)? {
        let corners = [a, b, b + normal * depth, a + normal * depth]
        let (lo, hi) = Self.bounds(of: corners)
        var best: (distance: Double, by: String, at: SIMD2<Double>)?
        for box in boxes where box.entity?.category != .agv && !skipping.contains(box.name) {
            if box.lo.x > hi.x || box.hi.x < lo.x || box.lo.y > hi.y || box.hi.y < lo.y || box.lo.z >= below { continue }
            guard let part = part(box.name),
                  let hit = Self.nearest(part.tree.corners, inFrontOf: a, b, normal: normal, depth: depth, below: below),
                  best == nil || hit.distance < best!.distance else { continue }
            best = (hit.distance, box.name, hit.at)
        }
        return best
    }

    /// The nearest of some triangles (corners in threes) in front of the segment `a`-`b`, as
    /// ``nearestInFront(of:_:normal:depth:skipping:below:)`` measures it.
    static func nearest(_ c: [SIMD3<Double>], inFrontOf a: SIMD2<Double>, _ b: SIMD2<Double>, normal: SIMD2<Double>, depth: Double,
                        below: Double = .infinity) -> (distance: Double, at: SIMD2<Double>)? {
        let along = b - a
        let length = simdLength(along)
        guard length > 2 * contactTolerance, depth > 0 else { return nil }
        let u = along / length
        var best: (distance: Double, at: SIMD2<Double>)?
        for t in stride(from: 0, to: c.count, by: 3) {
            guard min(c[t].z, c[t + 1].z, c[t + 2].z) < below - 1e-9 else { continue }
            // The triangle in the rectangle's frame: across (u) and out (v).
            @inline(__always) func local(_ k: Int) -> SIMD2<Double> {
                let p = SIMD2(c[t + k].x, c[t + k].y) - a
                return SIMD2((p * u).sum(), (p * normal).sum())
            }
            let p0 = local(0), p1 = local(1), p2 = local(2)
            // Most triangles of a part lie wholly beside the rectangle: no clipping for those.
            let tlo = pointwiseMin(pointwiseMin(p0, p1), p2), thi = pointwiseMax(pointwiseMax(p0, p1), p2)
            if thi.y <= 1e-9 || tlo.y > depth || thi.x < contactTolerance || tlo.x > length - contactTolerance { continue }
            if let best, tlo.y >= best.distance { continue }
            var polygon = clip([p0, p1, p2], axis: 0, min: contactTolerance, max: length - contactTolerance)
            polygon = clip(polygon, axis: 1, min: 0, max: depth)
            // A face lying on the line itself (a part standing behind it, touching) is not in front.
            guard let farthest = polygon.max(by: { $0.y < $1.y }), farthest.y > 1e-9 else { continue }
            guard let nearest = polygon.min(by: { $0.y < $1.y }), best == nil || nearest.y < best!.distance else { continue }
            best = (nearest.y, a + u * nearest.x + normal * nearest.y)
        }
        return best
    }

    /// A convex polygon clipped to `min ... max` along one axis (Sutherland-Hodgman, two edges).
    static func clip(_ polygon: [SIMD2<Double>], axis: Int, min lo: Double, max hi: Double) -> [SIMD2<Double>] {
        func cut(_ input: [SIMD2<Double>], keep: (Double) -> Bool, at bound: Double) -> [SIMD2<Double>] {
            guard !input.isEmpty else { return [] }
            var out: [SIMD2<Double>] = []
            for i in input.indices {
                let p = input[i], q = input[(i + 1) % input.count]
                let pIn = keep(p[axis]), qIn = keep(q[axis])
                if pIn { out.append(p) }
                if pIn != qIn {
                    let t = (bound - p[axis]) / (q[axis] - p[axis])
                    var x = p + (q - p) * t
                    x[axis] = bound
                    out.append(x)
                }
            }
            return out
        }
        return cut(cut(polygon, keep: { $0 >= lo }, at: lo), keep: { $0 <= hi }, at: hi)
    }

    /// One side of a part's floor box: its ends and outward normal.
    func side(_ side: ServiceArea.Side, of box: PartBox) -> (a: SIMD2<Double>, b: SIMD2<Double>, normal: SIMD2<Double>) {
        switch side {
        case .north: return (SIMD2(box.lo.x, box.hi.y), SIMD2(box.hi.x, box.hi.y), side.normal)
        case .south: return (SIMD2(box.lo.x, box.lo.y), SIMD2(box.hi.x, box.lo.y), side.normal)
        case .east: return (SIMD2(box.hi.x, box.lo.y), SIMD2(box.hi.x, box.hi.y), side.normal)
        case .west: return (SIMD2(box.lo.x, box.lo.y), SIMD2(box.lo.x, box.hi.y), side.normal)
        }
    }

    // MARK: Doors

    /// Every door kept clear (`door_clearance_m` of free floor on both sides, across its opening),
    /// and every exit wide and high enough (`exit_width_m`, `exit_height_m`).
    func doors() -> [Violation] {
        var out: [Violation] = []
        for door in plant.doors {
            coverage.doors += 1
            let what = door.exit ? "exit \(door.id)" : "door \(door.id)"
            let middle = (door.from + door.to) / 2
            if door.exit, let required = rules.exitWidth, door.width < required - 1e-9 {
                out.append(Violation(rule: .escape, entities: [door.id], measured: door.width, required: required, place: middle,
                                     message: String(format: "%@ is %.3f m wide; %.2f m required for an exit", what, door.width, required)))
            }
            if door.exit, let required = rules.exitHeight, let height = door.height, height < required - 1e-9 {
                out.append(Violation(rule: .escape, entities: [door.id], measured: height, required: required, place: middle,
                                     message: String(format: "%@ is %.3f m high; %.2f m required for an exit", what, height, required)))
            }
            guard let clearance = rules.doorClearance else { continue }
            for n in [door.normal, -door.normal] {
                guard let hit = nearestInFront(of: door.from, door.to, normal: n, depth: clearance, skipping: [], below: door.height ?? .infinity),
                      hit.distance < clearance - 1e-9 else { continue }
                out.append(Violation(rule: .door, entities: [hit.by, door.id], measured: hit.distance, required: clearance, place: hit.at,
                                     message: String(format: "%@ stands %.3f m in front of %@; %.2f m kept free", hit.by, hit.distance, what, clearance)))
            }
        }
        return out
    }

    // MARK: Overhead

    /// Headroom (`overhead_margin_m`): an AGV whose route passes through a door stays that much
    /// below the lintel; a part under a crane stays that much below the crane's hook.
    func overhead() -> [Violation] {
        guard let margin = rules.overheadMargin else { return [] }
        var out: [Violation] = []
        let lintels = plant.doors.filter { $0.height != nil }
        if !lintels.isEmpty {
            for route in plant.routes {
                guard let agvId = route.agv, let agv = plant.entity(id: agvId), let height = agv.footprint?.height,
                      let (body, _) = PlantCollision.body(of: agv, plant: plant),
                      let path = try? PlantCollision.path(of: route, in: plant.network) else { continue }
                coverage.overheadTests += 1
                let steps = max(1, Int((path.length / Self.safetySampleStep).rounded(.up)))
                var passed = Set<String>()
                for k in 0...steps {
                    let s = path.length * Double(k) / Double(steps)
                    let corners = body.box(at: path.pose(at: s)).corners
                    for door in lintels where !passed.contains(door.id) {
                        let segment = [door.from, door.to]
                        guard Self.inside(door.from, corners) || Self.inside(door.to, corners) || Self.edgesCross(segment, corners) else { continue }
                        passed.insert(door.id)
                        let headroom = door.height! - height
                        if headroom < margin - 1e-9 {
                            out.append(Violation(rule: .overhead, entities: [route.id, agvId, door.id], measured: headroom, required: margin,
                                                 place: (door.from + door.to) / 2,
                                                 message: String(format: "route %@ (%@, %.2f m high) passes under door %@ at %.2f m: %.3f m headroom; %.2f m required",
                                                                 route.id, agvId, height, door.id, door.height!, headroom, margin)))
                        }
                    }
                }
            }
        }
        for crane in plant.cranes {
            let (lo, hi) = Self.bounds(of: crane.polygon)
            for box in boxes where box.entity != nil && box.entity?.category != .agv && !isStructure(box) {
                if box.lo.x > hi.x || box.hi.x < lo.x || box.lo.y > hi.y || box.hi.y < lo.y { continue }
                coverage.overheadTests += 1
                guard let part = part(box.name) else { continue }
                // The highest corner of a triangle that reaches under the crane (none: the part stands beside it).
                let c = part.tree.corners
                var top = -Double.infinity
                for t in stride(from: 0, to: c.count, by: 3) {
                    let tri = [SIMD2(c[t].x, c[t].y), SIMD2(c[t + 1].x, c[t + 1].y), SIMD2(c[t + 2].x, c[t + 2].y)]
                    if Self.overlaps(tri, crane.polygon) { top = max(top, c[t].z, c[t + 1].z, c[t + 2].z) }
                }
                guard top > -Double.infinity else { continue }
                let headroom = crane.hookHeight - top
                if headroom < margin - 1e-9 {
                    out.append(Violation(rule: .overhead, entities: [box.name, crane.id], measured: headroom, required: margin,
                                         place: SIMD2((max(box.lo.x, lo.x) + min(box.hi.x, hi.x)) / 2, (max(box.lo.y, lo.y) + min(box.hi.y, hi.y)) / 2),
                                         message: String(format: "%@ rises to %.2f m under crane %@ (hook at %.2f m): %.3f m headroom; %.2f m required",
                                                         box.name, top, crane.id, crane.hookHeight, headroom, margin)))
                }
            }
        }
        return out
    }

    // MARK: Service space

    /// Every service area (`service:` of an entity) free of other parts to its full depth.
    func serviceAreas() -> [Violation] {
        var out: [Violation] = []
        for entity in plant.entities where !entity.serviceAreas.isEmpty {
            guard let i = boxIndex[entity.id] else { continue }
            let box = boxes[i]
            for area in entity.serviceAreas {
                coverage.serviceAreas += 1
                let depth = area.depth ?? rules.serviceDepth
                let (a, b, normal) = side(area.side, of: box)
                guard let hit = nearestInFront(of: a, b, normal: normal, depth: depth, skipping: [entity.id]), hit.distance < depth - 1e-9 else { continue }
                out.append(Violation(rule: .service, entities: [hit.by, entity.id], measured: hit.distance, required: depth, place: hit.at,
                                     message: String(format: "%@ stands %.3f m %@ of %@, in its service area (%.2f m deep)",
                                                     hit.by, hit.distance, area.side.rawValue, entity.id, depth)))
            }
        }
        return out
    }

    // MARK: Forklift aisles

    /// Every rack served by forklift has a working aisle (`forklift_aisles`, VDI 2198's Ast) in
    /// front of one of its long sides, free of other parts along the whole side.
    func forkliftAisles() -> [Violation] {
        guard let aisle = rules.forklift else { return [] }
        let required = aisle.width
        var out: [Violation] = []
        for box in boxes where box.entity?.category == .rack {
            if !aisle.rackKinds.isEmpty, !aisle.rackKinds.contains(box.entity?.kind ?? "") { continue }
            coverage.forkliftRacks += 1
            let sides: [ServiceArea.Side] = box.hi.x - box.lo.x >= box.hi.y - box.lo.y ? [.north, .south] : [.east, .west]
            var widest: (free: Double, side: ServiceArea.Side, by: String?, at: SIMD2<Double>?)?
            for s in sides {
                let (a, b, normal) = side(s, of: box)
                let hit = nearestInFront(of: a, b, normal: normal, depth: required, skipping: [box.name])
                let free = hit?.distance ?? required
                if widest == nil || free > widest!.free { widest = (free, s, hit?.by, hit?.at) }
            }
            guard let widest, widest.free < required - 1e-9 else { continue }
            out.append(Violation(rule: .forklift, entities: [box.name] + (widest.by.map { [$0] } ?? []), measured: widest.free, required: required,
                                 place: widest.at ?? SIMD2((box.lo.x + box.hi.x) / 2, (box.lo.y + box.hi.y) / 2),
                                 message: String(format: "%@'s widest working aisle (%@ side, up to %@) is %.3f m; a forklift needs %.2f m (VDI 2198 Ast)",
                                                 box.name, widest.side.rawValue, widest.by ?? "?", widest.free, required)))
        }
        return out
    }

    // MARK: Material flow

    /// Every declared link (`links:`) within reach: the two parts at most the link's distance apart.
    /// `lines`: with a change, only the lines with a part among these are measured again.
    func materialFlow(lines touched: Set<String>? = nil) -> [Violation] {
        guard rules.materialFlow else { return [] }
        var out: [Violation] = []
        for entity in plant.entities {
            for link in entity.links {
                coverage.flowLinks += 1
                let within = link.within ?? rules.linkGap
                guard plant.entity(id: link.to) != nil, let a = boxIndex[entity.id], let b = boxIndex[link.to] else {
                    out.append(Violation(rule: .flow, entities: [entity.id, link.to], place: boxIndex[entity.id].map { i in
                        SIMD2((boxes[i].lo.x + boxes[i].hi.x) / 2, (boxes[i].lo.y + boxes[i].hi.y) / 2) },
                        message: "\(entity.id) hands material to \(link.to), which is gone"))
                    continue
                }
                guard let pa = part(entity.id), let pb = part(link.to) else { continue }
                // Far enough a cutoff to measure how far apart they stand, for the message.
                let d = pa.tree.distance(to: pb.tree, cutoff: max(Self.gap(boxes[a], boxes[b]), within) + 100)
                guard d > within + 1e-9 else { continue }
                out.append(Violation(rule: .flow, entities: [entity.id, link.to], measured: d, required: within, place: Self.between(boxes[a], boxes[b]),
                                     message: String(format: "%@ and %@ stand %.3f m apart; their link allows %.2f m", entity.id, link.to, d, within)))
            }
        }
        out += productionLines(touching: touched)
        return out
    }

    /// Every line (`lines:`) holds together: each machine within reach of the one before it, each
    /// conveyor within reach of a machine of its line.
    func productionLines(touching touched: Set<String>? = nil) -> [Violation] {
        var out: [Violation] = []
        func distance(_ a: String, _ b: String, within: Double) -> (Double, SIMD2<Double>)? {
            guard let i = boxIndex[a], let j = boxIndex[b], let pa = part(a), let pb = part(b) else { return nil }
            // Within reach answers early; only a pair too far apart is measured for the message.
            var d = Self.gap(boxes[i], boxes[j]) > within ? Double.infinity : pa.tree.distance(to: pb.tree, cutoff: within + 1e-6)
            if d > within { d = pa.tree.distance(to: pb.tree, cutoff: max(Self.gap(boxes[i], boxes[j]), within) + 100) }
            return (d, Self.between(boxes[i], boxes[j]))
        }
        for line in plant.lines {
            if let touched, !line.machines.contains(where: touched.contains), !line.conveyors.contains(where: touched.contains) { continue }
            for (a, b) in zip(line.machines, line.machines.dropFirst()) {
                coverage.flowLinks += 1
                guard let (d, place) = distance(a, b, within: line.within) else {
                    out.append(Violation(rule: .flow, entities: [a, b], message: "line \(line.id): \(boxIndex[a] == nil ? a : b) is gone"))
                    continue
                }
                guard d > line.within + 1e-9 else { continue }
                out.append(Violation(rule: .flow, entities: [a, b], measured: d, required: line.within, place: place,
                                     message: String(format: "line %@: %@ follows %@ at %.3f m; the line allows %.2f m", line.id, b, a, d, line.within)))
            }
            for conveyor in line.conveyors {
                coverage.flowLinks += 1
                var nearest: (machine: String, d: Double, place: SIMD2<Double>)?
                for machine in line.machines {
                    guard let (d, place) = distance(conveyor, machine, within: line.within) else { continue }
                    if nearest.map({ d < $0.d }) ?? true { nearest = (machine, d, place) }
                }
                guard let nearest else {
                    out.append(Violation(rule: .flow, entities: [conveyor], message: "line \(line.id): conveyor \(conveyor) or its machines are gone"))
                    continue
                }
                guard nearest.d > line.within + 1e-9 else { continue }
                out.append(Violation(rule: .flow, entities: [conveyor, nearest.machine], measured: nearest.d, required: line.within, place: nearest.place,
                                     message: String(format: "line %@: conveyor %@ stands %.3f m from its nearest machine of the line, %@; the line allows %.2f m",
                                                     line.id, conveyor, nearest.d, nearest.machine, line.within)))
            }
        }
        return out
    }
}
