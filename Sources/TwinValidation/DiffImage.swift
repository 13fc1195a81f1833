import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

/// A plan view of a change: the new layout drawn, the base layout's outlines where things were,
/// an arrow from old to new place for each move, added entities in green, removed ones outlined
/// in red, and every violation marked and labelled.
public enum DiffImage {
    public static func render(base: Plant?, new: Plant, diff: LayoutDiff?, violations: [Violation],
                              width: Int = 1920, height: Int = 1080) throws(TwinError) -> Image {
        let twin = Twin(plant: new)
        let snapshot = try twin.render(SnapshotRequest(camera: .named("plan"), width: width, height: height, samples: 4, overlays: false))
        var overlay = PlantOverlay.make(plant: new, states: EntityStates(twin.state), statusColors: [:], cameraName: "plan")
        overlay.markers = []
        func outline(_ hull: [SIMD2<Double>]) -> [SIMD3<Double>] { hull.map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.03) } }
        let red = SIMD4<Float>(0.86, 0.1, 0.08, 1), green = SIMD4<Float>(0.15, 0.65, 0.25, 1), orange = SIMD4<Float>(0.96, 0.55, 0.05, 1)
        var legend: [Overlay.LegendEntry] = overlay.legend.filter { $0.text.hasSuffix("zone") || $0.text.hasSuffix("network") }
        if let base, let diff {
            let oldParts = PlantPart.parts(of: base, only: Set(diff.removed + diff.moved.map(\.id)))
            let newParts = PlantPart.parts(of: new, only: Set(diff.added))
            for part in oldParts {
                let hull = outline(part.footprint)
                if diff.removed.contains(part.name) {
                    overlay.areas.append(Overlay.FloorArea(polygon: hull, fill: SIMD4(0.86, 0.1, 0.08, 0.12), stroke: red))
                    if let c = hull.first { overlay.labels.append(Overlay.Label(text: "removed \(part.name)", anchor: c, plate: SIMD4(0.6, 0.05, 0.05, 0.9), priority: 3)) }
                } else {
                    overlay.areas.append(Overlay.FloorArea(polygon: hull, fill: SIMD4(0.5, 0.5, 0.5, 0.10), stroke: SIMD4(0.35, 0.35, 0.35, 1)))
                }
            }
            for part in newParts {
                overlay.areas.append(Overlay.FloorArea(polygon: outline(part.footprint), fill: SIMD4(0.15, 0.65, 0.25, 0.45), stroke: green))
            }
            for move in diff.moved {
                let a = FloorFrame.scenePoint(x: move.from.x, y: move.from.y, z: 0.06), b = FloorFrame.scenePoint(x: move.to.x, y: move.to.y, z: 0.06)
                overlay.paths.append(Overlay.FloorPath(points: [a, b], color: orange, width: 4, arrowForward: true))
            }
            // Network edges the change removed: dashed, where they ran.
            for id in diff.edgesRemoved {
                guard let edge = base.network.edges.first(where: { $0.id == id }),
                      let a = base.network.node(id: edge.start), let b = base.network.node(id: edge.end) else { continue }
                var points: [SIMD2<Double>]
                if let curve = edge.trajectory {
                    points = curve.points(segments: 48)
                } else {
                    points = [a.position, b.position]
                }
                for dash in dashes(points, on: 0.6, off: 0.4) {
                    overlay.paths.append(Overlay.FloorPath(points: dash.map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.05) }, color: red,
                                                           width: 2.5, arrowForward: false))
                }
            }
            if !diff.edgesRemoved.isEmpty { legend.append(Overlay.LegendEntry(color: red, text: "network edge removed (dashed)")) }
            if !diff.moved.isEmpty { legend.append(Overlay.LegendEntry(color: orange, text: "moved (old place outlined)")) }
            if !diff.added.isEmpty { legend.append(Overlay.LegendEntry(color: green, text: "added")) }
            if !diff.removed.isEmpty { legend.append(Overlay.LegendEntry(color: red, text: "removed")) }
        }
        // Doors (exits in green) and the floor kept clear in front of them; crane areas dashed.
        let exitGreen = SIMD4<Float>(0.1, 0.6, 0.3, 1), doorGrey = SIMD4<Float>(0.3, 0.3, 0.35, 1), craneBlue = SIMD4<Float>(0.2, 0.35, 0.8, 1)
        let offending = Set(violations.flatMap(\.entities))
        for door in new.doors {
            overlay.paths.append(Overlay.FloorPath(points: [door.from, door.to].map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.07) },
                                                   color: door.exit ? exitGreen : doorGrey, width: 5, arrowForward: false))
            if offending.contains(door.id), let depth = new.rules.doorClearance {
                let normal = door.normal * depth
                overlay.areas.append(Overlay.FloorArea(polygon: outline([door.from - normal, door.to - normal, door.to + normal, door.from + normal]),
                                                       fill: SIMD4(0.1, 0.6, 0.3, 0.15), stroke: exitGreen, throughWalls: true))
            }
        }
        if new.doors.contains(where: \.exit) { legend.append(Overlay.LegendEntry(color: exitGreen, text: "exit")) }
        if new.doors.contains(where: { !$0.exit }) { legend.append(Overlay.LegendEntry(color: doorGrey, text: "door")) }
        for crane in new.cranes {
            for dash in dashes(crane.polygon + [crane.polygon[0]], on: 0.8, off: 0.5) {
                overlay.paths.append(Overlay.FloorPath(points: dash.map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.05) }, color: craneBlue,
                                                       width: 2, arrowForward: false))
            }
        }
        if !new.cranes.isEmpty { legend.append(Overlay.LegendEntry(color: craneBlue, text: "crane area (dashed)")) }
        // Service areas of the entities a violation names, as deep as they are asked.
        let serviced = new.entities.filter { offending.contains($0.id) && !$0.serviceAreas.isEmpty }
        // The parts' floor boxes, only when there is a service area to draw.
        let validator = serviced.isEmpty ? nil : Validator(plant: new)
        for entity in serviced {
            guard let validator, let i = validator.boxIndex[entity.id] else { continue }
            for area in entity.serviceAreas {
                let (a, b, normal) = validator.side(area.side, of: validator.boxes[i])
                let depth = normal * (area.depth ?? new.rules.serviceDepth)
                overlay.areas.append(Overlay.FloorArea(polygon: outline([a, b, b + depth, a + depth]), fill: SIMD4(0.96, 0.55, 0.05, 0.2),
                                                       stroke: orange, throughWalls: true))
            }
        }
        // The parts a violation names, outlined in red over everything (hatched where they stand),
        // and kept clear of labels.
        for part in PlantPart.parts(of: new, only: offending) where new.entity(id: part.name) != nil {
            let hull = outline(part.footprint)
            overlay.areas.append(Overlay.FloorArea(polygon: hull, fill: SIMD4(0.86, 0.1, 0.08, 0.35), stroke: red, throughWalls: true))
            overlay.uncovered.append(hull)
        }
        for v in violations {
            guard let p = v.place else { continue }
            let point = FloorFrame.scenePoint(x: p.x, y: p.y, z: 0.08)
            overlay.markers.append(Overlay.Marker(position: point, radius: 8, fill: SIMD4(0.86, 0.1, 0.08, 0.9), ring: SIMD4(1, 1, 1, 1)))
            // No label over a mark: a square of 1.2 m about it (the mark is 16 px across, some 1 m in the plan of a hall of 100 m).
            overlay.uncovered.append(outline([p + SIMD2(-0.6, -0.6), p + SIMD2(0.6, -0.6), p + SIMD2(0.6, 0.6), p + SIMD2(-0.6, 0.6)]))
            // What was measured against what the rule asks, beside the mark.
            var figure = ""
            if let measured = v.measured, let required = v.required, required > 0 {
                figure = String(format: " %.3f < %.2f m", measured, required)
            } else if let measured = v.measured, measured > 0 {
                figure = String(format: " %.2f m", measured)
            }
            overlay.labels.append(Overlay.Label(text: "\(v.rule.rawValue): \(v.entities.prefix(3).joined(separator: ", "))\(figure)", anchor: point,
                                                plate: SIMD4(0.7, 0.05, 0.05, 0.92), priority: 6))
        }
        if !violations.isEmpty { legend.append(Overlay.LegendEntry(color: red, text: "violation")) }
        overlay.legend = legend
        let verdict = violations.isEmpty ? "no violations" : "\(violations.count) violation\(violations.count == 1 ? "" : "s")"
        overlay.title = (base.map { "\($0.name) -> " } ?? "") + "\(new.name) - \(verdict)"
        let frame = RenderedFrame(image: snapshot.image, items: snapshot.items, viewDepth: [], timings: RenderTimings(), trianglesBinned: 0)
        return OverlayPainter.paint(overlay, on: frame, view: ViewGeometry(camera: snapshot.camera, width: width, height: height))
    }

    /// A polyline cut into dashes `on` metres long with gaps `off` metres long.
    static func dashes(_ points: [SIMD2<Double>], on: Double, off: Double) -> [[SIMD2<Double>]] {
        var out: [[SIMD2<Double>]] = []
        var current: [SIMD2<Double>] = []
        var drawing = true, left = on
        for (a, b) in zip(points, points.dropFirst()) {
            var from = a
            var length = simdLength2(b - a).squareRoot()
            guard length > 0 else { continue }
            let unit = (b - a) / length
            if drawing && current.isEmpty { current = [from] }
            while length > left {
                let to = from + unit * left
                if drawing { current.append(to); out.append(current); current = [] } else { current = [to] }
                length -= left; from = to
                drawing.toggle(); left = drawing ? on : off
            }
            left -= length
            if drawing { current.append(b) }
        }
        if drawing && current.count >= 2 { out.append(current) }
        return out
    }
}
