import TwinCollision
import TwinGeometry
import TwinLayout
import TwinRender

/// A plan view of route checks: each route drawn in the color of its clearance — green at twice
/// the margin or more, amber down to the margin, red below it — and contacts marked with a red
/// disc and the obstacle's name.
public enum ClearanceImage {
    public static func render(_ twin: Twin, results: [RouteResult], width: Int = 1920, height: Int = 1080) throws(TwinError) -> Image {
        let plant = twin.layout
        // The plan over the layout and everything the check is about: a route or a contact that
        // leaves the layout (an order's nodes outside the hall) stays in the picture.
        let camera = CameraPresets.plan(bounds: framing(plant, results: results), aspect: Double(width) / Double(max(height, 1)))
        let request = SnapshotRequest(camera: .explicit(camera), width: width, height: height, samples: 4, outlines: true, overlays: false)
        let snapshot = try twin.render(request)
        let overlay = self.overlay(twin, results: results)
        let frame = RenderedFrame(image: snapshot.image, items: snapshot.items, viewDepth: [], timings: RenderTimings(), trianglesBinned: 0)
        return OverlayPainter.paint(overlay, on: frame, view: ViewGeometry(camera: snapshot.camera, width: width, height: height))
    }

    /// What a clearance image draws over the plan: zones and labels as on any plan, each route
    /// in the colors of its clearance with its name where it sets off, contacts marked, a legend
    /// of the clearance colors.
    static func overlay(_ twin: Twin, results: [RouteResult]) -> Overlay {
        let plant = twin.layout
        let margin = results.first?.margin ?? plant.defaultMargin
        // Zones and labels as on any plan; the network is replaced by the routes' clearance.
        var overlay = PlantOverlay.make(plant: plant, states: EntityStates(twin.state), statusColors: [:], cameraName: "plan")
        overlay.paths = []
        overlay.markers = []
        for result in results {
            let agvPath = result.path
            let steps = max(2, Int(agvPath.length / 0.5))
            var previous: SIMD3<Double>?
            for k in 0...steps {
                let s = agvPath.length * Double(k) / Double(steps)
                let pose = agvPath.pose(at: s)
                let point = FloorFrame.scenePoint(x: pose.x, y: pose.y, z: 0.05)
                let d = result.check.clearance(at: pose).0
                let color: SIMD4<Float> = d <= result.margin ? SIMD4(0.86, 0.1, 0.08, 1) : d < 2 * result.margin ? SIMD4(0.96, 0.62, 0.04, 1) : SIMD4(0.15, 0.65, 0.25, 1)
                if let previous { overlay.paths.append(Overlay.FloorPath(points: [previous, point], color: color, width: 3, arrowForward: false)) }
                previous = point
            }
            // The route's name where it sets off, so that a colored line says which route it is.
            let start = agvPath.pose(at: min(agvPath.length, 0.25 * agvPath.length))
            overlay.labels.append(Overlay.Label(text: result.route.id, anchor: FloorFrame.scenePoint(x: start.x, y: start.y, z: 0.05),
                                                plate: SIMD4(0.10, 0.11, 0.16, 0.9), priority: 4))
            if let c = result.report.firstContact {
                let p = FloorFrame.scenePoint(x: c.pose.x, y: c.pose.y, z: 0.05)
                overlay.markers.append(Overlay.Marker(position: p, radius: 7, fill: SIMD4(0.86, 0.1, 0.08, 0.9), ring: SIMD4(1, 1, 1, 1)))
                overlay.labels.append(Overlay.Label(text: "\(result.route.id): \(c.obstacle)", anchor: p, plate: SIMD4(0.7, 0.05, 0.05, 0.9), priority: 5))
            }
        }
        overlay.legend = overlay.legend.filter { $0.text.hasSuffix("zone") } + [
            Overlay.LegendEntry(color: SIMD4(0.15, 0.65, 0.25, 1), text: String(format: "clearance >= %.2f m", 2 * margin)),
            Overlay.LegendEntry(color: SIMD4(0.96, 0.62, 0.04, 1), text: String(format: "clearance %.2f..%.2f m", margin, 2 * margin)),
            Overlay.LegendEntry(color: SIMD4(0.86, 0.1, 0.08, 1), text: String(format: "below %.2f m or contact", margin)),
        ]
        overlay.title = "\(plant.name) - route clearance" + (twin.state.time.map { " - \($0)" } ?? "")
        return overlay
    }

    /// The scene-space box a clearance image frames: the layout's bounds, and every route's
    /// body footprint along its path (each half metre, and at the first contact).
    public static func framing(_ plant: Plant, results: [RouteResult]) -> BoundingBox {
        var bounds = plant.bounds
        let floor = bounds.isEmpty ? 0 : bounds.min.y
        func add(_ pose: Pose2D, _ check: RouteCheck) {
            for corner in check.body.box(at: pose).corners { bounds.add(FloorFrame.scenePoint(x: corner.x, y: corner.y, z: floor)) }
        }
        for result in results {
            let steps = max(2, Int(result.path.length / 0.5))
            for k in 0...steps { add(result.path.pose(at: result.path.length * Double(k) / Double(steps)), result.check) }
            if let c = result.report.firstContact { add(c.pose, result.check) }
        }
        return bounds
    }
}

