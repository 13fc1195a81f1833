import TwinGeometry

extension FrameSetup {
    /// Shades each pixel of a tile from its visibility buffer and writes the resolved color:
    /// every distinct triangle among a pixel's samples is shaded once, at the pixel's center, and
    /// the samples are averaged in linear light before the sRGB encoding.
    @inline(never)
    func resolve(tileX: Int, tileY: Int, tileW: Int, tileH: Int, scratch: TileScratch, target: FrameTargets) {
        let s = samples, size = Rasterizer.tileSize
        let refs = scratch.reference.baseAddress!
        let idMode = settings.mode == .id
        let background = SIMD3<Float>(ColorSpace.decode(settings.background.x), ColorSpace.decode(settings.background.y),
                                      ColorSpace.decode(settings.background.z))
        let backgroundAlpha = settings.background.w
        let rays = PixelRays(camera: camera, width: width, height: height)
        let depthModel = DepthModel(camera: camera)
        let lighting = settings.lighting
        let keepPrimary = !target.primaryTriangles.isEmpty
        let keepDepth = !target.viewDepth.isEmpty
        scene.triangleItems.withUnsafeBufferPointer { triangleItems in
            scene.indices.withUnsafeBufferPointer { indices in
                scene.positions.withUnsafeBufferPointer { positions in
                    scene.normals.withUnsafeBufferPointer { normals in
                        scene.items.withUnsafeBufferPointer { items in
                            let shader = Shader(indices: indices, positions: positions, normals: normals, lighting: lighting)
                            // A flat triangle (one normal at all corners: boxes, floors, walls) has one
                            // color wherever it is seen: it is shaded once and reused along the tile.
                            var flatTriangle = UInt32.max, flatColor = SIMD3<Float>.zero
                            // A pixel whose samples all show the flat triangle of the pixel before
                            // takes that pixel's bytes as they are: most of a frame is such pixels.
                            var previousRef = SetupTriangle.invalid, previousBytes = SIMD4<UInt8>(), previousFlat = false
                            var cachedRef = SetupTriangle.invalid, cachedTriangle = SetupTriangle.invalid
                            var cachedItem = RenderedFrame.background
                            for y in tileY..<(tileY + tileH) {
                                for x in tileX..<(tileX + tileW) {
                                    let base = ((y - tileY) * size + (x - tileX)) * s
                                    let pixel = y * width + x
                                    let ref0 = refs[base]
                                    if ref0 != cachedRef {
                                        // Neighbouring pixels mostly see the same triangle: look it up once.
                                        cachedRef = ref0
                                        cachedTriangle = ref0 == SetupTriangle.invalid ? SetupTriangle.invalid : setup(ref0).triangle
                                        cachedItem = cachedTriangle == SetupTriangle.invalid ? RenderedFrame.background : triangleItems[Int(cachedTriangle)]
                                    }
                                    let triangle0 = cachedTriangle, item0 = cachedItem
                                    target.items[pixel] = item0
                                    if keepDepth && item0 != RenderedFrame.background {
                                        target.viewDepth[pixel] = depthModel.viewDepth(window: scratch.depth[base])
                                    }
                                    if keepPrimary { target.primaryTriangles[pixel] = triangle0 }
                                    let out = target.pixels.baseAddress! + 4 * pixel
                                    if idMode {
                                        let c = item0 == RenderedFrame.background ? SIMD4<UInt8>(0, 0, 0, 0) : ColorSpace.idColor(Int(item0))
                                        out[0] = c.x; out[1] = c.y; out[2] = c.z; out[3] = c.w
                                        continue
                                    }
                                    var uniform = true
                                    for k in 1..<max(s, 1) where refs[base + k] != ref0 { uniform = false; break }
                                    if uniform && previousFlat && ref0 == previousRef {
                                        out[0] = previousBytes.x; out[1] = previousBytes.y; out[2] = previousBytes.z; out[3] = previousBytes.w
                                        continue
                                    }
                                    var sum = SIMD3<Float>.zero
                                    var alpha: Float = 0
                                    var lastRef = UInt32.max - 1, lastColor = SIMD3<Float>.zero
                                    for k in 0..<s {
                                        let ref = refs[base + k]
                                        if ref == SetupTriangle.invalid {
                                            sum += background
                                            alpha += backgroundAlpha
                                            continue
                                        }
                                        if ref != lastRef {
                                            let triangle = setup(ref).triangle
                                            if triangle == flatTriangle {
                                                lastColor = flatColor
                                            } else {
                                                let color = items[Int(triangleItems[Int(triangle)])].color
                                                let ray = rays.ray(x: x, y: y)
                                                lastColor = shader.shade(triangle: Int(triangle), base: SIMD3(color.x, color.y, color.z),
                                                                         origin: ray.origin, direction: ray.direction)
                                                if shader.isFlat(triangle: Int(triangle)) {
                                                    flatTriangle = triangle
                                                    flatColor = lastColor
                                                }
                                            }
                                            lastRef = ref
                                        }
                                        sum += lastColor
                                        alpha += 1
                                    }
                                    let scale = 1 / Float(s)
                                    let bytes = SIMD4(ColorSpace.encode(sum.x * scale), ColorSpace.encode(sum.y * scale),
                                                      ColorSpace.encode(sum.z * scale), UInt8(min(max(alpha * scale, 0), 1) * 255 + 0.5))
                                    out[0] = bytes.x; out[1] = bytes.y; out[2] = bytes.z; out[3] = bytes.w
                                    previousRef = uniform ? ref0 : SetupTriangle.invalid
                                    previousFlat = uniform && (ref0 == SetupTriangle.invalid || triangle0 == flatTriangle)
                                    previousBytes = bytes
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The shaded mode's lighting of one triangle at one pixel.
struct Shader {
    let indices: UnsafeBufferPointer<UInt32>
    let positions: UnsafeBufferPointer<SIMD3<Float>>
    let normals: UnsafeBufferPointer<SIMD3<Float>>
    let lighting: Lighting

    /// True when the triangle's corners share one normal: its color is the same everywhere.
    @inline(__always)
    func isFlat(triangle: Int) -> Bool {
        let n0 = normals[Int(indices[3 * triangle])]
        return n0 == normals[Int(indices[3 * triangle + 1])] && n0 == normals[Int(indices[3 * triangle + 2])]
    }

    /// The lit color where the ray meets the triangle's plane, with its normal interpolated from
    /// the corners and turned toward the viewer when the triangle shows its back (two-sided
    /// lighting: CAD files wind their triangles either way).
    @inline(__always)
    func shade(triangle: Int, base: SIMD3<Float>, origin: SIMD3<Float>, direction: SIMD3<Float>) -> SIMD3<Float> {
        let i0 = Int(indices[3 * triangle]), i1 = Int(indices[3 * triangle + 1]), i2 = Int(indices[3 * triangle + 2])
        let p0 = positions[i0], e1 = positions[i1] - p0, e2 = positions[i2] - p0
        let face = simdCross(e1, e2)
        let pvec = simdCross(direction, e2)
        let det = simdDot(e1, pvec)
        var n: SIMD3<Float>
        if abs(det) > 1e-20 {
            let inverse = 1 / det
            let tvec = origin - p0
            var u = simdDot(tvec, pvec) * inverse
            let qvec = simdCross(tvec, e1)
            var v = simdDot(direction, qvec) * inverse
            // Samples off the pixel center can own a pixel whose center misses the triangle.
            u = min(max(u, 0), 1)
            v = min(max(v, 0), 1 - u)
            n = normals[i0] * (1 - u - v) + normals[i1] * u + normals[i2] * v
        } else {
            n = face
        }
        let length = simdLength(n)
        n = length > 0 ? n / length : SIMD3(0, 1, 0)
        if simdDot(face, direction) > 0 { n = -n }
        let light = lighting.ambient + lighting.hemisphere * (0.5 + 0.5 * n.y)
            + lighting.sun * max(simdDot(n, lighting.sunDirection), 0)
        return base * light
    }
}

/// Converts window depth (0 at the near plane, 1 at the far one) back to distance along the view axis.
struct DepthModel {
    let near: Float
    let far: Float
    let perspective: Bool

    init(camera: Camera) {
        near = Float(camera.near)
        far = Float(camera.far)
        if case .perspective = camera.projection { perspective = true } else { perspective = false }
    }

    @inline(__always)
    func viewDepth(window z: Float) -> Float {
        let ndc = 2 * z - 1
        if perspective { return 2 * far * near / ((far + near) - ndc * (far - near)) }
        return (ndc * (far - near) + (far + near)) / 2
    }
}
