import Foundation

/// 2D drawing on a rendered image for overlays: alpha-blended rectangles, polygons, thick lines,
/// discs and bitmap text, each pixel optionally gated by a test (to keep floor overlays behind
/// machines). Colors are sRGB, 0...1, with alpha.
public struct Canvas {
    public var image: Image

    public init(image: Image) { self.image = image }

    public var width: Int { image.width }
    public var height: Int { image.height }

    /// Blends `color` over pixel (x, y) with its alpha times `coverage`.
    @inline(__always)
    public mutating func blend(x: Int, y: Int, color: SIMD4<Float>, coverage: Float = 1) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let a = color.w * coverage
        guard a > 0 else { return }
        let i = 4 * (y * image.width + x)
        for c in 0..<3 {
            let old = Float(image.pixels[i + c]) / 255
            image.pixels[i + c] = UInt8(min(max(old + (color[c] - old) * a, 0), 1) * 255 + 0.5)
        }
        let oldAlpha = Float(image.pixels[i + 3]) / 255
        image.pixels[i + 3] = UInt8(min(1, oldAlpha + a * (1 - oldAlpha)) * 255 + 0.5)
    }

    public mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: SIMD4<Float>) {
        let x0 = max(0, x), x1 = min(image.width, x + width), y0 = max(0, y), y1 = min(image.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        for py in y0..<y1 {
            for px in x0..<x1 { blend(x: px, y: py, color: color) }
        }
    }

    /// Fills a polygon (even-odd rule, pixel centers), where `visible(x, y)` allows.
    public mutating func fillPolygon(_ points: [SIMD2<Double>], color: SIMD4<Float>, visible: (Int, Int) -> Bool = { _, _ in true }) {
        guard points.count >= 3, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return }
        let minY = max(0, pixelIndex(points.map(\.y).min()!.rounded(.down)))
        let maxY = min(image.height - 1, pixelIndex(points.map(\.y).max()!.rounded(.up)))
        guard minY <= maxY else { return }
        var crossings: [Double] = []
        for py in minY...maxY {
            let y = Double(py) + 0.5
            crossings.removeAll(keepingCapacity: true)
            for i in points.indices {
                let a = points[i], b = points[(i + 1) % points.count]
                if (a.y <= y) != (b.y <= y) {
                    crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
                }
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                let from = max(0, pixelIndex((crossings[k] - 0.5).rounded(.up)))
                let to = min(image.width - 1, pixelIndex((crossings[k + 1] - 0.5).rounded(.down)))
                if from <= to {
                    for px in from...to where visible(px, py) { blend(x: px, y: py, color: color) }
                }
                k += 2
            }
        }
    }

    /// Draws a line `width` pixels wide with soft edges; `visible(x, y)` scales each pixel's alpha.
    public mutating func drawLine(from a: SIMD2<Double>, to b: SIMD2<Double>, width: Double, color: SIMD4<Float>,
                                  visibility: (Int, Int) -> Float = { _, _ in 1 }) {
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite, width.isFinite else { return }
        let half = width / 2
        let lo = SIMD2(min(a.x, b.x), min(a.y, b.y)) - (half + 1), hi = SIMD2(max(a.x, b.x), max(a.y, b.y)) + (half + 1)
        let x0 = max(0, pixelIndex(lo.x)), x1 = min(image.width - 1, pixelIndex(hi.x))
        let y0 = max(0, pixelIndex(lo.y)), y1 = min(image.height - 1, pixelIndex(hi.y))
        guard x0 <= x1, y0 <= y1 else { return }
        let d = b - a
        let length2 = max(d.x * d.x + d.y * d.y, 1e-12)
        for py in y0...y1 {
            for px in x0...x1 {
                let p = SIMD2(Double(px) + 0.5, Double(py) + 0.5)
                let t = min(max(((p - a) * d).sum() / length2, 0), 1)
                let q = a + d * t - p
                let distance = (q.x * q.x + q.y * q.y).squareRoot()
                let coverage = Float(min(max(half + 0.5 - distance, 0), 1))
                if coverage > 0 { blend(x: px, y: py, color: color, coverage: coverage * visibility(px, py)) }
            }
        }
    }

    /// A filled disc with an optional ring.
    public mutating func drawDisc(center: SIMD2<Double>, radius: Double, fill: SIMD4<Float>, ring: SIMD4<Float>? = nil,
                                  ringWidth: Double = 1.5) {
        guard center.x.isFinite, center.y.isFinite, radius.isFinite else { return }
        let x0 = max(0, pixelIndex(center.x - radius - 2)), x1 = min(image.width - 1, pixelIndex(center.x + radius + 2))
        let y0 = max(0, pixelIndex(center.y - radius - 2)), y1 = min(image.height - 1, pixelIndex(center.y + radius + 2))
        guard x0 <= x1, y0 <= y1 else { return }
        for py in y0...y1 {
            for px in x0...x1 {
                let dx = Double(px) + 0.5 - center.x, dy = Double(py) + 0.5 - center.y
                let r = (dx * dx + dy * dy).squareRoot()
                let inside = Float(min(max(radius + 0.5 - r, 0), 1))
                if inside > 0 { blend(x: px, y: py, color: fill, coverage: inside) }
                if let ring {
                    let onRing = Float(min(max(ringWidth / 2 + 0.5 - abs(r - radius), 0), 1))
                    if onRing > 0 { blend(x: px, y: py, color: ring, coverage: onRing) }
                }
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel `scale` pixels square.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, color: SIMD4<Float>) {
        var cx = x
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (r, bits) in rows.enumerated() where bits != 0 {
                for c in 0..<5 where bits & (0x10 >> UInt8(c)) != 0 {
                    fillRect(x: cx + c * scale, y: y + r * scale, width: scale, height: scale, color: color)
                }
            }
            cx += BitmapFont.advance * scale
        }
    }

    /// A pixel coordinate as an index, clamped far outside any image so that points projected
    /// near the camera plane cannot overflow the conversion.
    @inline(__always)
    private func pixelIndex(_ v: Double) -> Int { Int(min(max(v, -1e8), 1e8)) }
}
