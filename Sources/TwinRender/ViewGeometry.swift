import Foundation
import TwinGeometry

/// Where world points land in an image, and which world point a pixel sees on a horizontal
/// plane: what overlays need to draw on the floor of a rendered view.
public struct ViewGeometry: Sendable {
    public let camera: Camera
    public let width: Int
    public let height: Int
    let viewProjection: Matrix4x4

    public init(camera: Camera, width: Int, height: Int) {
        self.camera = camera
        self.width = width
        self.height = height
        viewProjection = camera.viewProjection(width: width, height: height)
    }

    /// Clip-space coordinates of a world point.
    public func clip(_ p: SIMD3<Double>) -> SIMD4<Double> { viewProjection * SIMD4(p.x, p.y, p.z, 1) }

    /// Pixel coordinates (x right, y down, pixel centers at half-integers) of a clip-space point in front of the camera.
    public func pixel(clip c: SIMD4<Double>) -> SIMD2<Double> {
        SIMD2((c.x / c.w * 0.5 + 0.5) * Double(width), (0.5 - c.y / c.w * 0.5) * Double(height))
    }

    /// Pixel coordinates of a world point, or nil when it lies behind the near plane.
    public func pixel(_ p: SIMD3<Double>) -> SIMD2<Double>? {
        let c = clip(p)
        return c.z >= -c.w && c.w > 0 ? pixel(clip: c) : nil
    }

    /// Distance along the view direction from the eye to `p`.
    public func viewDepth(_ p: SIMD3<Double>) -> Double { simdDot(p - camera.eye, camera.forward) }

    /// The polyline's pieces in front of the near plane, in pixels.
    public func project(polyline: [SIMD3<Double>]) -> [[SIMD2<Double>]] {
        var pieces: [[SIMD2<Double>]] = []
        var current: [SIMD2<Double>] = []
        for (a, b) in zip(polyline, polyline.dropFirst()) {
            var ca = clip(a), cb = clip(b)
            let da = ca.z + ca.w, db = cb.z + cb.w
            if da < 0 && db < 0 {
                if !current.isEmpty { pieces.append(current); current = [] }
                continue
            }
            if da < 0 { ca = ca + (cb - ca) * (da / (da - db)) }
            if db < 0 { cb = ca + (cb - ca) * (da / (da - db)) }
            let pa = pixel(clip: ca), pb = pixel(clip: cb)
            if current.isEmpty || current.last! != pa {
                if !current.isEmpty { pieces.append(current) }
                current = [pa]
            }
            current.append(pb)
            if db < 0 { pieces.append(current); current = [] }
        }
        if current.count >= 2 { pieces.append(current) }
        return pieces
    }

    /// The polygon clipped to the near plane, in pixels.
    public func project(polygon: [SIMD3<Double>]) -> [SIMD2<Double>] {
        let clipped = polygon.map(clip)
        var out: [SIMD4<Double>] = []
        for i in clipped.indices {
            let p = clipped[i], q = clipped[(i + 1) % clipped.count]
            let dp = p.z + p.w, dq = q.z + q.w
            if dp >= 0 { out.append(p) }
            if (dp >= 0) != (dq >= 0) { out.append(p + (q - p) * (dp / (dp - dq))) }
        }
        return out.map(pixel(clip:))
    }

    /// The point the center of pixel (x, y) sees on the horizontal plane at scene height `y`,
    /// or nil when the ray runs parallel to it or away from it.
    public func planePoint(pixelX: Int, pixelY: Int, height: Double) -> SIMD3<Double>? {
        let f = camera.forward
        let r = simdNormalize(simdCross(f, camera.up))
        let u = simdCross(r, f)
        let nx = (Double(pixelX) + 0.5) / Double(width) * 2 - 1
        let ny = 1 - (Double(pixelY) + 0.5) / Double(self.height) * 2
        let aspect = Double(width) / Double(self.height)
        var origin = camera.eye, direction = f
        switch camera.projection {
        case .perspective(let fov):
            let t = tan(fov * .pi / 360)
            direction = f + r * (nx * t * aspect) + u * (ny * t)
        case .orthographic(let h):
            origin = camera.eye + r * (nx * h / 2 * aspect) + u * (ny * h / 2)
        }
        guard abs(direction.y) > 1e-12 else { return nil }
        let s = (height - origin.y) / direction.y
        return s > 0 ? origin + direction * s : nil
    }
}
