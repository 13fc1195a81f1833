import Foundation
import TwinGeometry
import TwinLayout
import TwinRender

/// The views every plant has: `plan` (top-down, orthographic, north up, the floor fitted with a
/// 3% margin) and `iso` (perspective from the south-east, 35 degrees above the floor, framing the
/// whole plant), and the manifest's named cameras, which are written in floor coordinates.
public enum CameraPresets {
    /// The names of the built-in views.
    public static let builtIn = ["plan", "iso"]

    /// The camera called `name` for `plant` and an image of `aspect` = width / height.
    public static func camera(named name: String, plant: Plant, bounds: BoundingBox, aspect: Double) -> Camera? {
        switch name {
        case "plan": return plan(bounds: bounds, aspect: aspect)
        case "iso": return iso(bounds: bounds, aspect: aspect)
        default:
            guard let definition = plant.cameras.first(where: { $0.name == name }) else { return nil }
            return camera(definition)
        }
    }

    /// A manifest camera in scene coordinates.
    public static func camera(_ d: CameraDefinition) -> Camera {
        let eye = FloorFrame.scenePoint(x: d.eye.x, y: d.eye.y, z: d.eye.z)
        let target = FloorFrame.scenePoint(x: d.target.x, y: d.target.y, z: d.target.z)
        let up = FloorFrame.scenePoint(x: d.up.x, y: d.up.y, z: d.up.z)
        let distance = simdLength(target - eye)
        let far = max(2000, distance * 4)
        switch d.projection {
        case .perspective(let fov):
            return Camera(eye: eye, target: target, up: up, projection: .perspective(fovDegrees: fov), near: 0.1, far: far)
        case .orthographic(let height):
            return Camera(eye: eye, target: target, up: up, projection: .orthographic(height: height), near: 0.1, far: far)
        }
    }

    /// Top-down over the floor's bounds, north (the floor's +y, the scene's -Z) up.
    public static func plan(bounds: BoundingBox, aspect: Double) -> Camera {
        let b = bounds.isEmpty ? BoundingBox(min: SIMD3(-1, -1, -1), max: SIMD3(1, 1, 1)) : bounds
        let center = b.center
        let floorWidth = max(b.size.x, 1e-3), floorDepth = max(b.size.z, 1e-3)
        let height = max(floorDepth, floorWidth / aspect) * 1.06
        let eye = SIMD3(center.x, b.max.y + 10, center.z)
        return Camera(eye: eye, target: SIMD3(center.x, b.min.y, center.z), up: SIMD3(0, 0, -1),
                      projection: .orthographic(height: height), near: 1, far: b.size.y + 20)
    }

    /// From the south-east, 35 degrees above the floor, with a 40-degree vertical field of view,
    /// as close as it can be with every corner of the bounds inside the image, and centered on
    /// them as the image sees them.
    public static func iso(bounds: BoundingBox, aspect: Double) -> Camera {
        let b = bounds.isEmpty ? BoundingBox(min: SIMD3(-1, -1, -1), max: SIMD3(1, 1, 1)) : bounds
        let elevation = 35 * Double.pi / 180, fov = 40.0
        // South-east on the floor is (+x, -y): the scene's (+X, +Z).
        let direction = SIMD3(cos(elevation) / 2.0.squareRoot(), sin(elevation), cos(elevation) / 2.0.squareRoot())
        let radius = max(simdLength(b.size) / 2, 1e-3)
        func camera(_ target: SIMD3<Double>, _ distance: Double) -> Camera {
            Camera(eye: target + direction * distance, target: target, projection: .perspective(fovDegrees: fov),
                   near: 0.1, far: max(2000, distance + radius * 2 + 10))
        }
        /// The corners' extent in normalized device coordinates, or nil when one is behind the eye.
        func extent(_ c: Camera) -> (min: SIMD2<Double>, max: SIMD2<Double>)? {
            let vp = c.projectionMatrix(aspect: aspect) * c.viewMatrix
            var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
            for i in 0..<8 {
                let corner = SIMD3(i & 1 == 0 ? b.min.x : b.max.x, i & 2 == 0 ? b.min.y : b.max.y, i & 4 == 0 ? b.min.z : b.max.z)
                let p = vp * SIMD4(corner.x, corner.y, corner.z, 1)
                guard p.w > 0.1 else { return nil }
                let ndc = SIMD2(p.x / p.w, p.y / p.w)
                lo = pointwiseMin(lo, ndc); hi = pointwiseMax(hi, ndc)
            }
            return (lo, hi)
        }
        func fits(_ target: SIMD3<Double>, _ distance: Double) -> Bool {
            guard let e = extent(camera(target, distance)) else { return false }
            return e.min.x >= -0.96 && e.min.y >= -0.96 && e.max.x <= 0.96 && e.max.y <= 0.96
        }
        var target = b.center
        var distance = radius * 20
        for _ in 0..<4 {
            var low = radius * 0.2, high = radius * 20
            var doublings = 0
            while !fits(target, high) && doublings < 60 { high *= 2; doublings += 1 }
            for _ in 0..<40 {
                let mid = (low + high) / 2
                if fits(target, mid) { high = mid } else { low = mid }
            }
            distance = high
            // Move the target so that the corners' extent sits in the middle of the image.
            let c = camera(target, distance)
            guard let e = extent(c) else { break }
            let f = c.forward, right = simdNormalize(simdCross(f, c.up)), up = simdCross(right, f)
            let halfHeight = distance * tan(fov * .pi / 360), halfWidth = halfHeight * aspect
            let center = (e.min + e.max) / 2
            target += right * (center.x * halfWidth) + up * (center.y * halfHeight)
        }
        var growth = 0
        while !fits(target, distance) && growth < 200 { distance *= 1.01; growth += 1 }
        return camera(target, distance)
    }
}
