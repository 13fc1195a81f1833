/// A triangle ready to rasterize: corners in 24.8 fixed point (pixels from the image's top left,
/// y down), window depth per corner, the scene triangle it came from, and its pixel bounds.
/// Corners are ordered so that the signed area is positive: interior points have all three edge
/// functions positive.
struct SetupTriangle {
    var x0: Int32, y0: Int32, x1: Int32, y1: Int32, x2: Int32, y2: Int32
    var z0: Float, z1: Float, z2: Float
    /// The scene triangle; `invalid` when this slot holds nothing to draw.
    var triangle: UInt32
    var minX: Int16, minY: Int16, maxX: Int16, maxY: Int16

    static let invalid = UInt32.max
    static let empty = SetupTriangle(x0: 0, y0: 0, x1: 0, y1: 0, x2: 0, y2: 0, z0: 0, z1: 0, z2: 0, triangle: invalid,
                                     minX: 0, minY: 0, maxX: -1, maxY: -1)
}

/// Fixed-point precision: 8 sub-pixel bits, as llvmpipe and most GPUs snap vertices.
let subpixelBits: Int32 = 8
let subpixelOne: Int32 = 1 << subpixelBits
let subpixelHalf: Int32 = subpixelOne / 2

/// Turns clip-space triangles into `SetupTriangle`s: clips where needed, projects, snaps.
struct TriangleSetup {
    let width: Int32
    let height: Int32
    /// How far past the image's sides a corner may land before the triangle is clipped there, so
    /// that fixed-point edge functions stay within 64 bits with room to spare.
    let guardBand: Float
    /// Half a pixel of room around the bounds for samples off the pixel center.
    let sampleMargin: Int32

    init(width: Int, height: Int, samples: Int) {
        self.width = Int32(width)
        self.height = Int32(height)
        // Corners stay within 2^15 pixels of the image: 2^23 in fixed point.
        guardBand = Float(32768 - max(width, height)) / Float(max(width, height))
        sampleMargin = samples > 1 ? subpixelHalf : 0
    }

    /// Window coordinates of a clip-space point: x right, y down, 24.8 fixed point; z in 0...1.
    @inline(__always)
    func project(_ c: SIMD4<Float>) -> (Int32, Int32, Float) {
        let inverseW = 1 / c.w
        let sx = (c.x * inverseW * 0.5 + 0.5) * Float(width)
        let sy = (0.5 - c.y * inverseW * 0.5) * Float(height)
        let z = c.z * inverseW * 0.5 + 0.5
        return (Int32((sx * Float(subpixelOne)).rounded(.toNearestOrEven)),
                Int32((sy * Float(subpixelOne)).rounded(.toNearestOrEven)), z)
    }

    /// Which clip planes a point is outside of, one bit each: -x, +x, -y, +y (guard band), near, far.
    @inline(__always)
    func outcode(_ c: SIMD4<Float>) -> UInt8 {
        let g = guardBand * c.w
        var code: UInt8 = 0
        if c.x < -g { code |= 1 }
        if c.x > g { code |= 2 }
        if c.y < -g { code |= 4 }
        if c.y > g { code |= 8 }
        if c.z < -c.w { code |= 16 }
        if c.z > c.w { code |= 32 }
        return code
    }

    /// Sets up one projected triangle; false when it covers no sample of the image.
    @inline(__always)
    func make(_ a: (Int32, Int32, Float), _ b: (Int32, Int32, Float), _ c: (Int32, Int32, Float),
              triangle: UInt32, into out: inout SetupTriangle) -> Bool {
        var (x1, y1, z1) = b, (x2, y2, z2) = c
        let (x0, y0, z0) = a
        let area = Int64(x1 - x0) * Int64(y2 - y0) - Int64(y1 - y0) * Int64(x2 - x0)
        if area == 0 { return false }
        if area < 0 {
            swap(&x1, &x2); swap(&y1, &y2); swap(&z1, &z2)
        }
        // Pixels whose sample points may lie inside: centers at (px + 0.5) * 256.
        let lowX = min(x0, x1, x2) - sampleMargin, highX = max(x0, x1, x2) + sampleMargin
        let lowY = min(y0, y1, y2) - sampleMargin, highY = max(y0, y1, y2) + sampleMargin
        let minX = max(0, (lowX - subpixelHalf + subpixelOne - 1) >> subpixelBits)
        let maxX = min(width - 1, (highX - subpixelHalf) >> subpixelBits)
        let minY = max(0, (lowY - subpixelHalf + subpixelOne - 1) >> subpixelBits)
        let maxY = min(height - 1, (highY - subpixelHalf) >> subpixelBits)
        if minX > maxX || minY > maxY { return false }
        out = SetupTriangle(x0: x0, y0: y0, x1: x1, y1: y1, x2: x2, y2: y2, z0: z0, z1: z1, z2: z2,
                            triangle: triangle, minX: Int16(minX), minY: Int16(minY), maxX: Int16(maxX), maxY: Int16(maxY))
        return true
    }

    /// The signed distance of a clip-space point to one of the six planes, inside where positive:
    /// near, far, then the guard band's -x, +x, -y, +y.
    @inline(__always)
    func distance(_ c: SIMD4<Float>, plane: Int) -> Float {
        switch plane {
        case 0: return c.z + c.w
        case 1: return c.w - c.z
        case 2: return guardBand * c.w + c.x
        case 3: return guardBand * c.w - c.x
        case 4: return guardBand * c.w + c.y
        default: return guardBand * c.w - c.y
        }
    }

    /// Clips a triangle against the near and far planes and the guard band (Sutherland-Hodgman
    /// in clip space) into `polygon`; returns the corner count (0 when nothing is left).
    func clip(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>,
              polygon: inout [SIMD4<Float>], scratch: inout [SIMD4<Float>]) -> Int {
        polygon.removeAll(keepingCapacity: true)
        polygon.append(a); polygon.append(b); polygon.append(c)
        for plane in 0..<6 {
            scratch.removeAll(keepingCapacity: true)
            guard !polygon.isEmpty else { return 0 }
            for i in polygon.indices {
                let p = polygon[i], q = polygon[(i + 1) % polygon.count]
                let dp = distance(p, plane: plane), dq = distance(q, plane: plane)
                if dp >= 0 { scratch.append(p) }
                if (dp >= 0) != (dq >= 0) {
                    let t = dp / (dp - dq)
                    scratch.append(p + (q - p) * t)
                }
            }
            swap(&polygon, &scratch)
        }
        return polygon.count >= 3 ? polygon.count : 0
    }
}
