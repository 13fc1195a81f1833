import TwinCollision
import TwinGeometry
import TwinLayout
import TwinOperations

/// Machine safety zones kept clear (`safety_zones_clear`): the zone around a machine that a
/// person or a vehicle must not enter while it runs (a robot cell's protective field, ISO 10218-2
/// and ISO 13857's safety distances give its size) holds no other part, lies on no walkway, and no
/// AGV drives through it.
extension Validator {
    /// How far apart route samples are taken, metres (the footprint's corners at each).
    static let safetySampleStep = 0.05

    /// The machine a safety zone guards: the one whose box's centre lies in it (nil: none).
    func guarded(by zone: Zone) -> String? {
        boxes.first { box in
            box.entity?.category == .machine && Self.inside(SIMD2((box.lo.x + box.hi.x) / 2, (box.lo.y + box.hi.y) / 2), zone.polygon)
        }?.name
    }

    func safetyZones(_ changes: LayoutDiff?) -> [Violation] {
        guard rules.safetyZonesClear else { return [] }
        let zones = plant.zones.filter { $0.kind == .safety && $0.polygon.count >= 3 }
        guard !zones.isEmpty else { return [] }
        if let changes, changes.changedEntities.isEmpty, changes.zonesAdded.isEmpty, changes.zonesChanged.isEmpty, !changes.networkChanged,
           changes.routesChanged.isEmpty, changes.agvsChanged.isEmpty {
            return []
        }
        var out: [Violation] = []
        // Walkways and routes through safety zones change only with the zones, the network, the
        // routes or the AGVs; a change of parts alone leaves them as the base had them.
        let partsOnly = changes.map { $0.zonesAdded.isEmpty && $0.zonesChanged.isEmpty && !$0.networkChanged && $0.routesChanged.isEmpty && $0.agvsChanged.isEmpty } ?? false
        let changed = partsOnly ? changes?.changedEntities : nil
        let walkways = partsOnly ? [] : plant.zones.filter { $0.kind == .walkway && $0.polygon.count >= 3 }
        // Route footprints, sampled once for every zone, with their boxes.
        var footprints: [(route: String, agv: String, s: Double, corners: [SIMD2<Double>], lo: SIMD2<Double>, hi: SIMD2<Double>)] = []
        for route in partsOnly ? [] : plant.routes {
            guard let agvId = route.agv, let agv = plant.entity(id: agvId), let (body, _) = PlantCollision.body(of: agv, plant: plant),
                  let path = try? PlantCollision.path(of: route, in: plant.network) else { continue }
            let steps = max(1, Int((path.length / Self.safetySampleStep).rounded(.up)))
            for k in 0...steps {
                let s = path.length * Double(k) / Double(steps)
                let corners = body.box(at: path.pose(at: s)).corners
                let (lo, hi) = Self.bounds(of: corners)
                footprints.append((route.id, agvId, s, corners, lo, hi))
            }
        }
        for zone in zones {
            coverage.safetyZones += 1
            let polygon = zone.polygon
            let (zlo, zhi) = Self.bounds(of: polygon)
            let guardedMachine = guarded(by: zone)
            let what = guardedMachine.map { "safety zone \(zone.id) (around \($0))" } ?? "safety zone \(zone.id)"
            // No other part in it.
            for box in boxes where box.entity != nil && box.entity?.category != .agv && box.name != guardedMachine && !isStructure(box) {
                if let changed, !changed.contains(box.name) { continue }
                if box.lo.x > zhi.x || box.hi.x < zlo.x || box.lo.y > zhi.y || box.hi.y < zlo.y { continue }
                guard let part = part(box.name), let depth = Self.intrusion(part.tree.corners, into: polygon), depth > Self.contactTolerance else { continue }
                out.append(Violation(rule: .safety, entities: [box.name, zone.id], measured: depth, required: 0,
                                     place: SIMD2((max(box.lo.x, zlo.x) + min(box.hi.x, zhi.x)) / 2, (max(box.lo.y, zlo.y) + min(box.hi.y, zhi.y)) / 2),
                                     message: String(format: "%@ reaches %.3f m into %@", box.name, depth, what)))
            }
            // No walkway across it.
            for walkway in walkways {
                let depth = max(Self.polygonIntrusion(walkway.polygon, into: polygon), Self.polygonIntrusion(polygon, into: walkway.polygon))
                guard depth > Self.contactTolerance || (depth >= 0 && Self.edgesCross(walkway.polygon, polygon)) else { continue }
                out.append(Violation(rule: .safety, entities: [walkway.id, zone.id], measured: max(depth, 0), required: 0,
                                     place: (zlo + zhi) / 2, message: String(format: "walkway %@ runs %.3f m into %@", walkway.id, max(depth, 0), what)))
            }
            // No AGV through it: the deepest any footprint corner reaches in, per route.
            var deepest: [String: (agv: String, s: Double, depth: Double, at: SIMD2<Double>)] = [:]
            for f in footprints where f.lo.x <= zhi.x && f.hi.x >= zlo.x && f.lo.y <= zhi.y && f.hi.y >= zlo.y {
                for c in f.corners where c.x >= zlo.x && c.x <= zhi.x && c.y >= zlo.y && c.y <= zhi.y && Self.inside(c, polygon) {
                    let depth = Self.edgeDistance(c, polygon)
                    if depth > (deepest[f.route]?.depth ?? Self.contactTolerance) { deepest[f.route] = (f.agv, f.s, depth, c) }
                }
            }
            for (route, hit) in deepest.sorted(by: { $0.key < $1.key }) {
                out.append(Violation(rule: .safety, entities: [route, hit.agv, zone.id], measured: hit.depth, required: 0, place: hit.at,
                                     message: String(format: "route %@ (%@) enters %@ by %.3f m at s = %.2f m", route, hit.agv, what, hit.depth, hit.s)))
            }
        }
        return out
    }

    /// How deep the corners of `polygon` reach into `other` (-1 when none is inside).
    static func polygonIntrusion(_ polygon: [SIMD2<Double>], into other: [SIMD2<Double>]) -> Double {
        var deepest = -1.0
        for p in polygon where inside(p, other) { deepest = max(deepest, edgeDistance(p, other)) }
        return deepest
    }
}
