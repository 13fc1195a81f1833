import Dispatch
import TwinGeometry

extension FrameSetup {
    /// Darkens the pixels along silhouettes (where the item changes, or the background begins)
    /// and creases (where the surface turns by more than 40 degrees between neighbours), as
    /// technical drawings do; it makes plan views readable.
    func drawOutlines(image: inout Image, primaryTriangles: [UInt32]) {
        let w = width, h = height
        let creaseCosine: Float = 0.766 // cos 40°
        let ink = SIMD3<Float>(0.12, 0.13, 0.15)
        scene.triangleItems.withUnsafeBufferPointer { triangleItems in
            scene.indices.withUnsafeBufferPointer { indices in
                scene.positions.withUnsafeBufferPointer { positions in
                    primaryTriangles.withUnsafeBufferPointer { primary in
                        image.pixels.withUnsafeMutableBufferPointer { pixels in
                            let out = OutlineTarget(pixels: pixels)
                            @inline(__always) func faceNormal(_ t: UInt32) -> SIMD3<Float> {
                                let i = Int(t) * 3
                                let p0 = positions[Int(indices[i])]
                                return simdNormalize(simdCross(positions[Int(indices[i + 1])] - p0, positions[Int(indices[i + 2])] - p0))
                            }
                            parallelFor(h) { y in
                                for x in 0..<w {
                                    let t = primary[y * w + x]
                                    guard t != SetupTriangle.invalid else { continue }
                                    var edge = false
                                    for (dx, dy) in [(1, 0), (0, 1), (-1, 0), (0, -1)] {
                                        let nx = x + dx, ny = y + dy
                                        guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                                        let u = primary[ny * w + nx]
                                        if u == t { continue }
                                        if u == SetupTriangle.invalid || triangleItems[Int(u)] != triangleItems[Int(t)] {
                                            // Between two items, only the one drawn later in reading order inks, so lines stay one pixel wide.
                                            edge = u == SetupTriangle.invalid || dx + dy > 0
                                        } else if abs(simdDot(faceNormal(t), faceNormal(u))) < creaseCosine {
                                            edge = dx + dy > 0
                                        }
                                        if edge { break }
                                    }
                                    if edge {
                                        let p = out.pixels.baseAddress! + 4 * (y * w + x)
                                        for c in 0..<3 {
                                            let value = Float(p[c]) / 255
                                            p[c] = UInt8(min(255, (value * 0.35 + ink[c] * 0.65) * 255 + 0.5))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    struct OutlineTarget: @unchecked Sendable {
        let pixels: UnsafeMutableBufferPointer<UInt8>
    }
}
