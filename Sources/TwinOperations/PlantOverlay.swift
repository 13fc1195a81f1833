import Foundation
import TwinGeometry
import TwinLayout
import TwinState
import TwinRender

/// The overlay of a plant view: zones on the floor, the AGV network with its direction, labels
/// for machines and AGVs, a legend of the states shown and a title bar.
public enum PlantOverlay {
    /// Zone colors (sRGB with alpha): fill, stroke. Hues no status has (see
    /// ``MachineStatus/defaultColor``): magenta keep-out, violet safety, white walkways.
    static func colors(for kind: Zone.Kind) -> (SIMD4<Float>, SIMD4<Float>) {
        switch kind {
        case .keepOut: return (SIMD4(0.78, 0.10, 0.62, 0.34), SIMD4(0.62, 0.04, 0.50, 0.95))
        case .safety: return (SIMD4(0.55, 0.36, 0.90, 0.24), SIMD4(0.42, 0.24, 0.78, 0.9))
        case .walkway: return (SIMD4(0.97, 0.97, 0.95, 0.45), SIMD4(0.45, 0.45, 0.42, 0.9))
        }
    }

    /// The AGV network: near black, with white nodes.
    static let networkColor = SIMD4<Float>(0.10, 0.11, 0.16, 0.9)
    /// AGV labels' plates: dark slate, a hue no status has.
    static let agvPlate = SIMD4<Float>(0.18, 0.20, 0.30, 0.92)

    /// What to draw over a view of `plant` with `states`.
    public static func make(plant: Plant, states: EntityStates, statusColors: [MachineStatus: SIMD3<Float>],
                            cameraName: String, labels: Bool = true) -> Overlay {
        var overlay = Overlay()
        for zone in plant.zones {
            let (fill, stroke) = colors(for: zone.kind)
            overlay.areas.append(Overlay.FloorArea(polygon: zone.polygon.map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.01) },
                                                   fill: fill, stroke: stroke, throughWalls: zone.kind == .keepOut))
        }
        let network = plant.network
        for edge in network.edges {
            guard let a = network.node(id: edge.start), let b = network.node(id: edge.end) else { continue }
            var points: [SIMD3<Double>]
            if let curve = edge.trajectory {
                points = curve.points(segments: 24).map { FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.02) }
            } else {
                points = [FloorFrame.scenePoint(x: a.x, y: a.y, z: 0.02), FloorFrame.scenePoint(x: b.x, y: b.y, z: 0.02)]
            }
            overlay.paths.append(Overlay.FloorPath(points: points, color: networkColor, width: 1.5, arrowForward: true,
                                                   arrowBackward: edge.bidirectional))
        }
        for node in network.nodes {
            overlay.markers.append(Overlay.Marker(position: FloorFrame.scenePoint(x: node.x, y: node.y, z: 0.02), radius: 2,
                                                  fill: SIMD4(1, 1, 1, 1), ring: networkColor))
        }
        if labels {
            for entity in plant.entities where entity.category == .machine || entity.category == .agv {
                guard let anchor = anchor(of: entity, plant: plant, states: states) else { continue }
                let status = states.statuses[entity.id]
                var label = Overlay.Label(text: entity.id, anchor: anchor)
                switch (entity.category, status) {
                case (.agv, _):
                    label.priority = 3
                    label.plate = agvPlate
                case (_, .fault?), (_, .blocked?), (_, .starved?):
                    label.priority = 2
                    let c = statusColors[status!] ?? status!.defaultColor
                    label.plate = SIMD4(c.x * 0.8, c.y * 0.8, c.z * 0.8, 0.92)
                default:
                    label.priority = 1
                }
                overlay.labels.append(label)
            }
        }
        let shown = Set(states.statuses.values)
        for status in MachineStatus.allCases where shown.contains(status) {
            let c = statusColors[status] ?? status.defaultColor
            overlay.legend.append(Overlay.LegendEntry(color: SIMD4(c.x, c.y, c.z, 1), text: status.rawValue))
        }
        if !states.noData.isEmpty {
            let c = MachineStatus.noDataColor
            overlay.legend.append(Overlay.LegendEntry(color: SIMD4(c.x, c.y, c.z, 1), text: "no data"))
        }
        if !shown.isEmpty && plant.entities.contains(where: { MachineStatus.statusCategories.contains($0.category) && states.statuses[$0.id] == nil && !states.noData.contains($0.id) }) {
            let c = MachineStatus.neutralColor
            overlay.legend.append(Overlay.LegendEntry(color: SIMD4(c.x, c.y, c.z, 1), text: "no status"))
        }
        for kind in Zone.Kind.allCases where plant.zones.contains(where: { $0.kind == kind }) {
            let (fill, _) = colors(for: kind)
            overlay.legend.append(Overlay.LegendEntry(color: SIMD4(fill.x, fill.y, fill.z, 1), text: "\(kind.rawValue) zone"))
        }
        if !network.edges.isEmpty { overlay.legend.append(Overlay.LegendEntry(color: networkColor, text: "AGV network")) }
        let time = states.time.map { " - \($0)" } ?? ""
        overlay.title = "\(plant.name) - \(cameraName)\(time)"
        overlay.scaleAndNorth = true
        return overlay
    }

    /// Where an entity's label points: above its bounds' center, or at an AGV's pose.
    static func anchor(of entity: Entity, plant: Plant, states: EntityStates) -> SIMD3<Double>? {
        if entity.category == .agv, let pose = states.poses[entity.id] ?? entity.pose {
            return FloorFrame.scenePoint(x: pose.x, y: pose.y, z: (entity.footprint?.height ?? 0.5) + 0.2)
        }
        guard let root = entity.node else { return nil }
        var box = BoundingBox.empty
        for n in plant.subtree(of: root) {
            for m in plant.nodes[n].meshes {
                box.add(plant.meshes[m].geometry.bounds.transformed(by: plant.nodes[n].worldTransform))
            }
        }
        guard !box.isEmpty else { return nil }
        return SIMD3(box.center.x, box.max.y, box.center.z)
    }
}
