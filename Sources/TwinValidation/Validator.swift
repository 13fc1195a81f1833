import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

/// Checks a layout against its rules (``LayoutRules``): all of it, or only what a change
/// touches. With a ``LayoutDiff`` the checks assume the base layout kept its rules and look at
/// what the change can have broken: pairs and zones with a changed entity, routes against the
/// changed entities (and in full where the network, a route, an AGV or a keep-out zone changed),
/// aisle widths near the changes, stations when the network or a station changed. A change of
/// the rules themselves is checked in full.
public final class Validator {
    public let plant: Plant
    public var rules: LayoutRules { plant.rules }

    /// What was looked at, for reports and benchmarks.
    public struct Coverage: Sendable {
        /// Pairs of parts (machines, racks, conveyors, stations, objects, walls) measured.
        public var partPairs = 0
        public var wallPairs = 0
        /// Parts held against the building's outline.
        public var buildingTests = 0
        public var zoneTests = 0
        /// Safety zones held clear of other parts, walkways and routes.
        public var safetyZones = 0
        public var routes = 0
        public var aisleSamples = 0
        public var stations = 0
        public var partsBuilt = 0
        /// Rules from practice: doors, workplaces held against the exits, routes and parts under
        /// lintels and cranes, service areas, racks held to a forklift's aisle, material-flow links.
        public var doors = 0
        public var escapeWorkplaces = 0
        public var overheadTests = 0
        public var serviceAreas = 0
        public var forkliftRacks = 0
        public var flowLinks = 0
        public init() {}

        /// The rules from practice that looked at something, for a summary line ("2 doors, 44
        /// workplaces to exits"); empty when none did.
        public var practiceSummary: String {
            [(doors, "door", "doors"), (escapeWorkplaces, "workplace to exits", "workplaces to exits"),
             (overheadTests, "overhead test", "overhead tests"), (serviceAreas, "service area", "service areas"),
             (forkliftRacks, "rack aisle", "rack aisles"), (flowLinks, "material-flow link", "material-flow links")]
                .filter { $0.0 > 0 }
                .map { n, one, many in "\(n) \(n == 1 ? one : many)" }
                .joined(separator: ", ")
        }
    }

    public internal(set) var coverage = Coverage()

    /// What the validator could not check and why (a station that names no network node): said,
    /// not failed.
    public struct Warning: Sendable, Equatable {
        public var entities: [String]
        public var place: SIMD2<Double>?
        public var message: String
    }

    public internal(set) var warnings: [Warning] = []

    /// For a part named in several violations that one move of it can fix: the smallest move that
    /// fixes them all together ("move M-006 1.761 m north" for a walkway and three routes).
    public struct CombinedFix: Sendable, Equatable {
        public var entity: String
        public var move: String
        public var violations: Int
    }

    public internal(set) var combinedFixes: [CombinedFix] = []

    /// Floor-frame bounds of every part, from mesh bounds (no triangles touched).
    struct PartBox {
        var name: String
        var entity: Entity?
        var lo: SIMD3<Double>
        var hi: SIMD3<Double>
    }

    let boxes: [PartBox]
    let boxIndex: [String: Int]
    /// The nodes of each part, found once: a part is built from them when a check needs it.
    let partNodes: [String: [Int]]
    var built: [String: PlantPart] = [:]

    public init(plant: Plant) {
        self.plant = plant
        var boxes: [PartBox] = []
        var index: [String: Int] = [:]
        var partNodes: [String: [Int]] = [:]
        for (n, name, entity) in PlantPart.nodeParts(of: plant) {
            let node = plant.nodes[n]
            partNodes[name, default: []].append(n)
            var scene = BoundingBox.empty
            for m in node.meshes { scene.add(plant.meshes[m].geometry.bounds.transformed(by: node.worldTransform)) }
            guard !scene.isEmpty else { continue }
            // The scene's box seen in the floor frame: (x, y, z up) = (X, -Z, Y).
            let lo = SIMD3(scene.min.x, -scene.max.z, scene.min.y), hi = SIMD3(scene.max.x, -scene.min.z, scene.max.y)
            guard hi.z > 1e-3 else { continue }   // the floor is no part
            if let i = index[name] {
                boxes[i].lo = pointwiseMin(boxes[i].lo, lo); boxes[i].hi = pointwiseMax(boxes[i].hi, hi)
            } else {
                index[name] = boxes.count
                boxes.append(PartBox(name: name, entity: entity, lo: lo, hi: hi))
            }
        }
        self.boxes = boxes
        boxIndex = index
        self.partNodes = partNodes
    }

    /// The parts named, built (their trees) once and kept.
    func parts(_ names: [String]) -> [PlantPart] {
        names.compactMap { name in
            if let part = built[name] { return part }
            guard let i = boxIndex[name], let part = PlantPart.build(name: name, entity: boxes[i].entity, nodes: partNodes[name] ?? [], plant: plant) else {
                return nil
            }
            built[name] = part
            coverage.partsBuilt += 1
            return part
        }
    }

    func part(_ name: String) -> PlantPart? { parts([name]).first }

    static func gap(_ a: PartBox, _ b: PartBox) -> Double {
        let g = pointwiseMax(pointwiseMax(a.lo - b.hi, b.lo - a.hi), .zero)
        return simdLength(g)
    }

    static func between(_ a: PartBox, _ b: PartBox) -> SIMD2<Double> {
        // The middle of where the boxes meet (or of the gap between them), on the floor.
        let lo = pointwiseMax(a.lo, b.lo), hi = pointwiseMin(a.hi, b.hi)
        return SIMD2((lo.x + hi.x) / 2, (lo.y + hi.y) / 2)
    }

    // MARK: Validating

    /// Every violation of the plant's rules (with `changes`: those the change can have caused).
    /// The rules' names in the order ``validate(changes:progress:)`` checks them.
    public static let ruleSteps = ["part pairs", "walls", "building", "zones", "safety zones", "routes", "stations", "aisles",
                                   "doors", "escape routes", "overhead", "service areas", "forklift aisles", "material flow"]

    /// Every rule, or with `changes` what they touch. `progress` hears each rule as it begins
    /// (its name, how many are done, how many there are) and the end.
    public func validate(changes: LayoutDiff? = nil, progress: (_ step: String, _ done: Int, _ of: Int) -> Void = { _, _, _ in }) -> [Violation] {
        // Other rules: what the base passed may fail now anywhere.
        let changes = changes?.rulesChanged == true ? nil : changes
        var violations: [Violation] = []
        let changed = changes?.changedEntities
        let steps = Self.ruleSteps, total = steps.count
        progress(steps[0], 0, total)
        violations += partPairs(changed)
        progress(steps[1], 1, total)
        violations += walls(changed)
        progress(steps[2], 2, total)
        violations += building(changed)
        progress(steps[3], 3, total)
        violations += zones(changed, changedZones: changes.map { Set($0.zonesAdded + $0.zonesChanged) })
        progress(steps[4], 4, total)
        violations += safetyZones(changes)
        progress(steps[5], 5, total)
        let (routeViolations, _) = self.routes(changes)
        violations += routeViolations
        progress(steps[6], 6, total)
        violations += stations(changes)
        progress(steps[7], 7, total)
        violations += aisles(changes)
        // The rules from practice look at the whole layout: a part moved anywhere can shut an
        // escape route or stand in a door, one removed can leave a link without its other end;
        // they are skipped only when nothing changed.
        let practice = changes.map { !$0.changedEntities.isEmpty || !$0.removed.isEmpty || $0.networkChanged || !$0.routesChanged.isEmpty || !$0.agvsChanged.isEmpty
            || !$0.zonesAdded.isEmpty || !$0.zonesChanged.isEmpty || $0.practiceChanged } ?? true
        progress(steps[8], 8, total)
        if practice { violations += doors() }
        progress(steps[9], 9, total)
        if practice { violations += escapeRoutes() }
        if changes == nil, rules.escapeDistance != nil || rules.escapeWidth != nil, !plant.doors.contains(where: \.exit),
           plant.entities.contains(where: { $0.category == .machine }) {
            // Said, not skipped silently: the escape-route rule has nothing to lead to.
            warnings.append(Warning(entities: [], place: nil,
                                    message: "no exit declared (doors: with exit: true): escape routes not checked"))
        }
        progress(steps[10], 10, total)
        if practice { violations += overhead() }
        progress(steps[11], 11, total)
        if practice { violations += serviceAreas() }
        progress(steps[12], 12, total)
        if practice { violations += forkliftAisles() }
        progress(steps[13], 13, total)
        if practice { violations += materialFlow(lines: changes.map { $0.changedEntities.union($0.removed) }) }
        progress("done", total, total)
        return withFixes(violations, changed: changes?.changedEntities)
    }

    // MARK: Every part against every other

    /// Parts closer than this are in contact: they cross when an edge of one pierces a face of
    /// the other with both its ends farther than this from it.
    static let contactTolerance = 0.001

    /// The category a part is judged by: its entity's, or `structure` for walls and columns.
    func category(of box: PartBox) -> String {
        if isStructure(box) { return "structure" }
        return box.entity?.category.rawValue ?? "object"
    }

    /// Every pair of parts (machines, conveyors, racks, stations, objects, and walls and columns)
    /// that cross or stand one inside the other (`overlap`), or stand nearer than the clearance
    /// the rules ask of them (`clearance_m` between machines, `clearance_pairs` by kind or
    /// category). Parts may touch (conveyor segments end to end) unless a clearance is asked.
    /// Walls and columns are not held against each other, nor machines against walls (the
    /// wall clearance rule measures those).
    func partPairs(_ changed: Set<String>?) -> [Violation] {
        let candidates = boxes.filter { $0.entity?.category != .agv }
        let categories = candidates.map(category(of:))
        var out: [Violation] = []
        for i in candidates.indices {
            for j in (i + 1)..<candidates.count {
                let a = candidates[i], b = candidates[j]
                let ca = categories[i], cb = categories[j]
                if ca == "structure" && cb == "structure" { continue }
                if rules.wallClearance != nil && ((ca == "machine" && cb == "structure") || (ca == "structure" && cb == "machine")) { continue }
                if let changed, !changed.contains(a.name) && !changed.contains(b.name) { continue }
                let required = rules.clearance(between: (a.entity?.kind, ca), (b.entity?.kind, cb))
                guard rules.overlap || required != nil else { continue }
                let reach = max(required ?? 0, Self.contactTolerance)
                guard Self.gap(a, b) <= reach else { continue }
                coverage.partPairs += 1
                guard let pa = part(a.name), let pb = part(b.name) else { continue }
                let d = pa.tree.distance(to: pb.tree, cutoff: reach + 1e-6)
                let place = Self.between(a, b)
                // Crossing, or (surfaces apart) one standing wholly inside the other.
                var crossing: String?
                if d <= Self.contactTolerance && pa.tree.interpenetrates(pb.tree, tolerance: Self.contactTolerance) {
                    crossing = "\(a.name) and \(b.name) intersect"
                } else if let inside = Self.inside(pa, pb) ?? Self.inside(pb, pa) {
                    crossing = "\(inside.inner) stands inside \(inside.outer)"
                }
                if let crossing {
                    if rules.overlap {
                        out.append(Violation(rule: .overlap, entities: [a.name, b.name], measured: 0, required: required, place: place, message: crossing))
                    } else if let required, required > 0 {
                        out.append(Violation(rule: .clearance, entities: [a.name, b.name], measured: 0, required: required, place: place,
                                             message: String(format: "%@; %.2f m required between them", crossing, required)))
                    }
                } else if let required, d < required - 1e-9 {
                    let apart = d <= Self.contactTolerance ? "\(a.name) and \(b.name) touch" : String(format: "%@ and %@ stand %.3f m apart", a.name, b.name, d)
                    out.append(Violation(rule: .clearance, entities: [a.name, b.name], measured: d, required: required, place: place,
                                         message: String(format: "%@; %.2f m required", apart, required)))
                }
            }
        }
        return out
    }

    /// Whether `inner` stands inside `outer` (their surfaces apart): its box within the other's
    /// and three of its corners (first, middle, last) enclosed by the other's mesh, winding number
    /// at least one half at each, so that an open container mesh does not decide on one point.
    /// An enclosure of closed walls around a part does not count: the winding number there is 0.
    static func inside(_ inner: PlantPart, _ outer: PlantPart) -> (inner: String, outer: String)? {
        let corners = inner.tree.corners
        guard !corners.isEmpty, outer.tree.triangleCount > 0,
              all(inner.lo .>= outer.lo), all(inner.hi .<= outer.hi) else { return nil }
        let enclosed = [0, corners.count / 2, corners.count - 1].allSatisfy { abs(outer.tree.windingNumber(at: corners[$0])) >= 0.5 }
        return enclosed ? (inner.name, outer.name) : nil
    }

    /// Walls and columns: building parts that belong to no entity, or structure entities.
    func isStructure(_ box: PartBox) -> Bool {
        if let entity = box.entity { return entity.category == .structure }
        let lower = box.name.lowercased()
        return lower.contains("wall") || lower.contains("column") || lower.contains("pillar")
    }

    func walls(_ changed: Set<String>?) -> [Violation] {
        guard let required = rules.wallClearance else { return [] }
        let structures = boxes.filter(isStructure)
        var out: [Violation] = []
        for machine in boxes where machine.entity?.category == .machine {
            if let changed, !changed.contains(machine.name) { continue }
            for structure in structures where Self.gap(machine, structure) <= required {
                coverage.wallPairs += 1
                guard let pm = part(machine.name), let ps = part(structure.name) else { continue }
                let d = pm.tree.distance(to: ps.tree, cutoff: required + 1e-6)
                if d < required - 1e-9 {
                    out.append(Violation(rule: .wallClearance, entities: [machine.name, structure.name], measured: d, required: required,
                                         place: Self.between(machine, structure),
                                         message: String(format: "%@ stands %.3f m from %@; %.2f m required", machine.name, d, structure.name, required)))
                }
            }
        }
        return out
    }

    // MARK: The building

    /// The building's outline: the rules' `building`, else the extent of the walls and columns
    /// (nil when there are none: nothing to hold parts against).
    var buildingOutline: [SIMD2<Double>]? {
        if let declared = rules.building { return declared }
        let structures = boxes.filter(isStructure)
        guard let first = structures.first else { return nil }
        let lo = structures.reduce(SIMD2(first.lo.x, first.lo.y)) { pointwiseMin($0, SIMD2($1.lo.x, $1.lo.y)) }
        let hi = structures.reduce(SIMD2(first.hi.x, first.hi.y)) { pointwiseMax($0, SIMD2($1.hi.x, $1.hi.y)) }
        return [lo, SIMD2(hi.x, lo.y), hi, SIMD2(lo.x, hi.y)]
    }

    /// Every part within the building's outline, seen from above: the farthest any of its
    /// triangles' corners reaches outside, measured from the outline.
    func building(_ changed: Set<String>?) -> [Violation] {
        guard rules.insideBuilding, let outline = buildingOutline else { return [] }
        let (lo, hi) = Self.bounds(of: outline)
        let rectangle = Self.isUprightRectangle(outline)
        var out: [Violation] = []
        for box in boxes where box.entity != nil && !isStructure(box) {
            if let changed, !changed.contains(box.name) { continue }
            coverage.buildingTests += 1
            // A box within an upright rectangular outline is inside without a look at its triangles.
            if rectangle && box.lo.x >= lo.x && box.lo.y >= lo.y && box.hi.x <= hi.x && box.hi.y <= hi.y { continue }
            guard let part = part(box.name) else { continue }
            var farthest = 0.0, at: SIMD2<Double>?
            for corner in part.tree.corners {
                let p = SIMD2(corner.x, corner.y)
                guard !Self.inside(p, outline) else { continue }
                let d = Self.edgeDistance(p, outline)
                if d > farthest { farthest = d; at = p }
            }
            if let at, farthest > Self.contactTolerance {
                out.append(Violation(rule: .building, entities: [box.name], measured: farthest, required: 0, place: at,
                                     message: String(format: "%@ reaches %.2f m outside the building", box.name, farthest)))
            }
        }
        return out
    }

    // MARK: Zones

    func zones(_ changed: Set<String>?, changedZones: Set<String>?) -> [Violation] {
        var out: [Violation] = []
        for zone in plant.zones where rules.freeZones.contains(zone.kind) {
            let polygon = zone.polygon
            guard polygon.count >= 3 else { continue }
            let (zlo, zhi) = Self.bounds(of: polygon)
            let wholeZone = changed == nil || (changedZones?.contains(zone.id) ?? false)
            for box in boxes where box.entity != nil && box.entity?.category != .agv {
                if !wholeZone, let changed, !changed.contains(box.name) { continue }
                if box.lo.x > zhi.x || box.hi.x < zlo.x || box.lo.y > zhi.y || box.hi.y < zlo.y { continue }
                coverage.zoneTests += 1
                guard let part = part(box.name), let depth = Self.intrusion(part.tree.corners, into: polygon) else { continue }
                out.append(Violation(rule: .zone, entities: [box.name, zone.id], measured: depth, required: 0,
                                     place: SIMD2((max(box.lo.x, zlo.x) + min(box.hi.x, zhi.x)) / 2, (max(box.lo.y, zlo.y) + min(box.hi.y, zhi.y)) / 2),
                                     message: String(format: "%@ reaches %.2f m into %@ zone %@", box.name, depth, zone.kind.rawValue, zone.id)))
            }
        }
        return out
    }

    /// How far a part's triangles (seen from above) reach into a polygon: nil when they stay out,
    /// else the deepest corner's distance from the polygon's edge (0 when only edges cross).
    static func intrusion(_ corners: [SIMD3<Double>], into polygon: [SIMD2<Double>]) -> Double? {
        var deepest: Double?
        for t in stride(from: 0, to: corners.count, by: 3) {
            let tri = [SIMD2(corners[t].x, corners[t].y), SIMD2(corners[t + 1].x, corners[t + 1].y), SIMD2(corners[t + 2].x, corners[t + 2].y)]
            var overlaps = false
            for p in tri where inside(p, polygon) {
                overlaps = true
                deepest = max(deepest ?? 0, edgeDistance(p, polygon))
            }
            if !overlaps {
                overlaps = polygon.contains { inside($0, tri) } || edgesCross(tri, polygon)
                if overlaps { deepest = max(deepest ?? 0, 0) }
            }
        }
        return deepest
    }

    /// The corners of a polygon's box on the floor.
    static func bounds(of polygon: [SIMD2<Double>]) -> (lo: SIMD2<Double>, hi: SIMD2<Double>) {
        (polygon.reduce(SIMD2(repeating: Double.infinity)) { pointwiseMin($0, $1) },
         polygon.reduce(SIMD2(repeating: -Double.infinity)) { pointwiseMax($0, $1) })
    }

    static func inside(_ p: SIMD2<Double>, _ polygon: [SIMD2<Double>]) -> Bool {
        var result = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { result.toggle() }
            j = i
        }
        return result
    }

    static func edgeDistance(_ p: SIMD2<Double>, _ polygon: [SIMD2<Double>]) -> Double {
        var best = Double.infinity
        for i in polygon.indices { best = min(best, segmentDistance(p, polygon[i], polygon[(i + 1) % polygon.count])) }
        return best
    }

    /// The distance from `p` to the segment `a`-`b` on the floor.
    static func segmentDistance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let ab = b - a
        let t = min(max(((p - a) * ab).sum() / max((ab * ab).sum(), 1e-300), 0), 1)
        let d = p - (a + ab * t)
        return (d * d).sum().squareRoot()
    }

    /// Whether a triangle and a polygon, seen from above, share some area: a corner of either
    /// inside the other, or edges crossing.
    static func overlaps(_ triangle: [SIMD2<Double>], _ polygon: [SIMD2<Double>]) -> Bool {
        triangle.contains { inside($0, polygon) } || polygon.contains { inside($0, triangle) } || edgesCross(triangle, polygon)
    }

    /// Whether a polygon is an upright rectangle (four corners on two x and two y values), whose
    /// box then stands for it.
    static func isUprightRectangle(_ polygon: [SIMD2<Double>]) -> Bool {
        polygon.count == 4 && Set(polygon.map(\.x)).count == 2 && Set(polygon.map(\.y)).count == 2
    }

    static func edgesCross(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Bool {
        func cross(_ u: SIMD2<Double>, _ v: SIMD2<Double>) -> Double { u.x * v.y - u.y * v.x }
        for i in a.indices {
            let p = a[i], p2 = a[(i + 1) % a.count]
            for j in b.indices {
                let q = b[j], q2 = b[(j + 1) % b.count]
                let d1 = cross(p2 - p, q - p), d2 = cross(p2 - p, q2 - p), d3 = cross(q2 - q, p - q), d4 = cross(q2 - q, p2 - q)
                if ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0 { return true }
            }
        }
        return false
    }
}
