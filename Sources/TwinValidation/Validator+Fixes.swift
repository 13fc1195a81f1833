import TwinCollision
import TwinGeometry
import TwinOperations

/// The smallest move that would fix a violation, for the planner who has to make it: "move
/// M-002 0.21 m west". The part is moved along each of the four compass directions, and the
/// shortest move after which the rule holds (to a millimetre) is named.
extension Validator {
    /// Compass directions on the floor (+y is north).
    static let compass: [(name: String, direction: SIMD3<Double>)] = [
        ("north", SIMD3(0, 1, 0)), ("east", SIMD3(1, 0, 0)), ("south", SIMD3(0, -1, 0)), ("west", SIMD3(-1, 0, 0)),
    ]

    /// The shortest move of `part` along a compass direction, at most `limit` metres, after which
    /// `holds` (given the moved triangles) is true; nil when none within the limit. `start` is a
    /// first guess of the distance (what the rule misses by).
    func smallestMove(of part: PlantPart, start: Double, limit: Double = 10,
                      holds: (TriangleBVH) -> Bool) -> (direction: String, metres: Double)? {
        let corners = part.tree.corners
        func moved(_ offset: SIMD3<Double>) -> TriangleBVH { TriangleBVH(triangles: corners.map { $0 + offset }) }
        var best: (direction: String, metres: Double)?
        for (name, direction) in Self.compass {
            // Grow until the rule holds, then halve the bracket down to a millimetre.
            var low = 0.0, high = max(start, 0.001)
            while high <= min(limit, best?.metres ?? limit) && !holds(moved(direction * high)) { low = high; high *= 2 }
            guard high <= min(limit, best?.metres ?? limit) else { continue }
            while high - low > 0.0005 {
                let middle = (low + high) / 2
                if holds(moved(direction * middle)) { high = middle } else { low = middle }
            }
            let metres = (high * 1000).rounded(.up) / 1000
            if best == nil || metres < best!.metres { best = (name, metres) }
        }
        return best
    }

    /// Which of a violation's entities to move: one the change moved or added, else the first
    /// that is not a wall.
    func movable(_ v: Violation, changed: Set<String>?) -> String? {
        let candidates = v.entities.filter { name in boxIndex[name].map { !isStructure(boxes[$0]) } ?? false }
        return candidates.first { changed?.contains($0) ?? false } ?? candidates.first
    }

    /// Each violation with the smallest move that fixes it, where one can be found: clearances,
    /// overlaps, walls, zones (a part in a safety zone too), the building's outline, doors,
    /// service areas, material-flow links, and a part a route passes too near (not stations,
    /// walkways across safety zones, escape routes, headroom and forklift aisles, which a move
    /// of one part may not fix or may fix in many ways). At most `limit` violations are looked at.
    func withFixes(_ violations: [Violation], changed: Set<String>?, limit: Int = 20) -> [Violation] {
        var out = violations
        var looked = 0
        var trials: [String: [Trial]] = [:]
        for k in out.indices where looked < limit {
            let v = out[k]
            guard [.clearance, .overlap, .wallClearance, .zone, .safety, .building, .door, .service, .flow, .route].contains(v.rule),
                  let name = movable(v, changed: changed), let moving = part(name) else { continue }
            looked += 1
            var trial: Trial?
            switch v.rule {
            case .clearance, .overlap, .wallClearance:
                guard let otherName = v.entities.first(where: { $0 != name }), let other = part(otherName) else { continue }
                let required = max(v.required ?? 0, Self.contactTolerance)
                trial = Trial(start: max(required - (v.measured ?? 0), 0.001)) { tree in
                    let d = tree.distance(to: other.tree, cutoff: required + 1e-6)
                    return d >= required - 1e-9 && !(d <= Self.contactTolerance && tree.interpenetrates(other.tree, tolerance: Self.contactTolerance))
                }
            case .zone, .safety:
                // A part in a zone (not a walkway or a route across a safety zone: no part of those moves).
                guard let zone = plant.zones.first(where: { v.entities.contains($0.id) }), v.entities.first == name else { continue }
                // As each rule judges: a free zone is entered by any touch, a safety zone by more than the tolerance.
                let allowed = v.rule == .safety ? Self.contactTolerance : -1
                trial = Trial(start: max(v.measured ?? 0, 0.001)) { tree in
                    (Self.intrusion(tree.corners, into: zone.polygon) ?? -1) <= allowed
                }
            case .building:
                guard let outline = buildingOutline else { continue }
                trial = Trial(start: max(v.measured ?? 0, 0.001), limit: max(10, 2 * (v.measured ?? 0))) { tree in
                    tree.corners.allSatisfy { c in
                        let p = SIMD2(c.x, c.y)
                        return Self.inside(p, outline) || Self.edgeDistance(p, outline) <= Self.contactTolerance
                    }
                }
            case .door:
                guard let door = plant.doors.first(where: { v.entities.contains($0.id) }), let clearance = rules.doorClearance else { continue }
                trial = Trial(start: max(clearance - (v.measured ?? 0), 0.001)) { tree in
                    [door.normal, -door.normal].allSatisfy { n in
                        (Self.nearest(tree.corners, inFrontOf: door.from, door.to, normal: n, depth: clearance, below: door.height ?? .infinity)?.distance ?? clearance)
                            >= clearance - 1e-9
                    }
                }
            case .service:
                // The part in the area moves out of it, or the entity (moved by the change) away from the part.
                guard let ownerName = v.entities.last, let owner = plant.entity(id: ownerName), let i = boxIndex[ownerName],
                      let intruderName = v.entities.first, let intruder = part(intruderName) else { continue }
                let ownerBox = boxes[i]
                trial = Trial(start: max((v.required ?? 0) - (v.measured ?? 0), 0.001)) { tree in
                    var box = ownerBox, others = intruder.tree.corners
                    if name == ownerName {
                        box.lo = tree.bounds.lo; box.hi = tree.bounds.hi
                    } else {
                        others = tree.corners
                    }
                    return owner.serviceAreas.allSatisfy { area in
                        let depth = area.depth ?? self.rules.serviceDepth
                        let (a, b, normal) = self.side(area.side, of: box)
                        return (Self.nearest(others, inFrontOf: a, b, normal: normal, depth: depth)?.distance ?? depth) >= depth - 1e-9
                    }
                }
            case .flow:
                guard let within = v.required, let otherName = v.entities.first(where: { $0 != name }), let other = part(otherName) else { continue }
                trial = Trial(start: max((v.measured ?? 0) - within, 0.001)) { tree in
                    tree.distance(to: other.tree, cutoff: within + 1e-6) <= within + 1e-9
                }
            case .route:
                // The part the route meets moves until the route keeps its margin from it.
                guard let route = plant.routes.first(where: { $0.id == v.entities.first }) else { continue }
                var alone = plant
                alone.sketchedObstacles = []
                let entity = boxIndex[name].flatMap { boxes[$0].entity }
                trial = Trial(start: max((v.required ?? 0) - (v.measured ?? 0), 0.001), limit: 5) { tree in
                    let world = PlantCollision(plant: alone, parts: [PlantPart(name: name, entity: entity, tree: tree)])
                    return (try? world.check(routes: [route], plant: alone))?.allSatisfy { !$0.isViolation } ?? false
                }
            default:
                continue
            }
            guard let trial else { continue }
            trials[name, default: []].append(trial)
            if let fix = smallestMove(of: moving, start: trial.start, limit: trial.limit, holds: trial.holds) {
                out[k].fix = Self.describe(fix, of: name)
            }
        }
        // A part with several violations: the smallest move that clears them all at once.
        combinedFixes = []
        for (name, list) in trials.sorted(by: { $0.key < $1.key }) where list.count > 1 {
            guard let moving = part(name),
                  let fix = smallestMove(of: moving, start: list.map(\.start).max()!, limit: list.map(\.limit).max()!,
                                         holds: { tree in list.allSatisfy { $0.holds(tree) } }) else { continue }
            combinedFixes.append(CombinedFix(entity: name, move: Self.describe(fix, of: name), violations: list.count))
        }
        return out
    }

    /// A move as a planner reads it: "move M-002 0.151 m east".
    static func describe(_ move: (direction: String, metres: Double), of name: String) -> String {
        String(format: "move %@ %.3f m %@", name, move.metres, move.direction)
    }

    /// A rule's test of one part moved, and where the search for a move starts and stops.
    struct Trial {
        var start: Double
        var limit: Double
        var holds: (TriangleBVH) -> Bool
        init(start: Double, limit: Double = 10, _ holds: @escaping (TriangleBVH) -> Bool) {
            self.start = start; self.limit = limit; self.holds = holds
        }
    }
}
