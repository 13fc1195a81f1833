import Foundation
import Dispatch
import Synchronization
import TwinGeometry

/// Everything one worker needs for one tile, allocated once per worker and reused tile after tile.
struct TileScratch {
    let depth: UnsafeMutableBufferPointer<Float>
    let reference: UnsafeMutableBufferPointer<UInt32>

    init(samples: Int) {
        let count = Rasterizer.tileSize * Rasterizer.tileSize * samples
        depth = .allocate(capacity: count)
        reference = .allocate(capacity: count)
    }

    func deallocate() {
        depth.deallocate()
        reference.deallocate()
    }
}

/// The camera's rays through pixel centers, for shading: a visible triangle is shaded where the
/// ray through the pixel's center meets its plane, which gives perspective-correct attributes
/// whatever clipping did to the triangle.
struct PixelRays {
    let origin: SIMD3<Float>
    let forward: SIMD3<Float>
    let right: SIMD3<Float>
    let up: SIMD3<Float>
    let perspective: Bool
    /// Half the view's extent at unit distance (perspective) or in meters (orthographic).
    let halfWidth: Float
    let halfHeight: Float
    let width: Float
    let height: Float

    init(camera: Camera, width: Int, height: Int) {
        let f = camera.forward
        let r = simdNormalize(simdCross(f, camera.up))
        let u = simdCross(r, f)
        origin = SIMD3<Float>(camera.eye)
        forward = SIMD3<Float>(f); right = SIMD3<Float>(r); up = SIMD3<Float>(u)
        let aspect = Double(width) / Double(height)
        switch camera.projection {
        case .perspective(let fov):
            perspective = true
            let t = tan(fov * .pi / 360)
            halfHeight = Float(t); halfWidth = Float(t * aspect)
        case .orthographic(let h):
            perspective = false
            halfHeight = Float(h / 2); halfWidth = Float(h / 2 * aspect)
        }
        self.width = Float(width); self.height = Float(height)
    }

    /// The ray through the center of pixel (x, y).
    @inline(__always)
    func ray(x: Int, y: Int) -> (origin: SIMD3<Float>, direction: SIMD3<Float>) {
        let nx = (Float(x) + 0.5) / width * 2 - 1
        let ny = 1 - (Float(y) + 0.5) / height * 2
        if perspective {
            return (origin, forward + right * (nx * halfWidth) + up * (ny * halfHeight))
        }
        return (origin + right * (nx * halfWidth) + up * (ny * halfHeight), forward)
    }
}

extension FrameSetup {
    /// Rasterizes, shades and resolves every tile, then draws outlines.
    func rasterize() -> RenderedFrame {
        var image = Image(width: width, height: height)
        var items = [UInt32](repeating: RenderedFrame.background, count: width * height)
        var viewDepth = [Float](repeating: .infinity, count: settings.outputsViewDepth ? width * height : 0)
        var primary = [UInt32](repeating: RenderedFrame.background, count: settings.outlines ? width * height : 0)
        let tileCount = tilesX * tilesY
        let next = Atomic<Int>(0)
        let workerCount = max(1, min(workers, tileCount))
        image.pixels.withUnsafeMutableBufferPointer { pixels in
            items.withUnsafeMutableBufferPointer { items in
                primary.withUnsafeMutableBufferPointer { primary in
                  viewDepth.withUnsafeMutableBufferPointer { viewDepth in
                    let target = FrameTargets(pixels: pixels, items: items, primaryTriangles: primary, viewDepth: viewDepth)
                    parallelFor(workerCount) { _ in
                        let scratch = TileScratch(samples: samples)
                        defer { scratch.deallocate() }
                        while true {
                            let tile = next.wrappingAdd(1, ordering: .relaxed).oldValue
                            if tile >= tileCount { break }
                            renderTile(tile, scratch: scratch, target: target)
                        }
                    }
                  }
                }
            }
        }
        if settings.outlines {
            drawOutlines(image: &image, primaryTriangles: primary)
        }
        return RenderedFrame(image: image, items: items, viewDepth: viewDepth, timings: RenderTimings(), trianglesBinned: bins.count)
    }

    /// Where tiles write: disjoint regions of the frame's buffers.
    struct FrameTargets: @unchecked Sendable {
        let pixels: UnsafeMutableBufferPointer<UInt8>
        let items: UnsafeMutableBufferPointer<UInt32>
        let primaryTriangles: UnsafeMutableBufferPointer<UInt32>
        let viewDepth: UnsafeMutableBufferPointer<Float>
    }

    private func renderTile(_ tile: Int, scratch: TileScratch, target: FrameTargets) {
        let size = Rasterizer.tileSize
        let tileX = (tile % tilesX) * size, tileY = (tile / tilesX) * size
        let tileW = min(size, width - tileX), tileH = min(size, height - tileY)
        let s = samples
        scratch.depth.initialize(repeating: 1)
        scratch.reference.initialize(repeating: SetupTriangle.invalid)
        let pattern = SamplePattern.offsets(s)
        pattern.withUnsafeBufferPointer { offsets in
            bins.withUnsafeBufferPointer { bins in
                for b in binStart[tile]..<binStart[tile + 1] {
                    let ref = bins[b]
                    rasterize(setup(ref), reference: ref, tileX: tileX, tileY: tileY, tileW: tileW, tileH: tileH,
                              offsets: offsets, scratch: scratch)
                }
                resolve(tileX: tileX, tileY: tileY, tileW: tileW, tileH: tileH, scratch: scratch, target: target)
            }
        }
    }

    /// The pixels 0..<count of a row where all three edge values (e + step * i) are at least
    /// zero, as first...last (empty when first > last): exact integer bounds, no per-pixel tests.
    @inline(__always)
    func coveredSpan(_ e0: Int64, _ s0: Int64, _ e1: Int64, _ s1: Int64, _ e2: Int64, _ s2: Int64, count: Int) -> (Int, Int) {
        var first: Int64 = 0, last = Int64(count - 1)
        @inline(__always) func narrow(_ e: Int64, _ step: Int64) -> Bool {
            if step > 0 {
                // e + step * i >= 0  <=>  i >= ceil(-e / step)
                if e < 0 { first = max(first, (-e + step - 1) / step) }
            } else if step < 0 {
                // e + step * i >= 0  <=>  i <= floor(e / -step)
                if e < 0 { return false }
                last = min(last, e / -step)
            } else if e < 0 {
                return false
            }
            return true
        }
        guard narrow(e0, s0), narrow(e1, s1), narrow(e2, s2) else { return (1, 0) }
        return (Int(first), Int(last))
    }

    /// The kept triangle a bin reference names.
    @inline(__always)
    func setup(_ ref: UInt32) -> SetupTriangle {
        chunkStorage[Int(ref >> FrameSetup.chunkShift)][Int(ref & (1 << FrameSetup.chunkShift - 1))]
    }

    /// Covers the samples of one tile that a triangle owns and wins the depth test for.
    @inline(never)
    private func rasterize(_ t: SetupTriangle, reference: UInt32, tileX: Int, tileY: Int, tileW: Int, tileH: Int,
                           offsets: UnsafeBufferPointer<SIMD2<Int32>>, scratch: TileScratch) {
        let x0 = max(Int(t.minX), tileX), x1 = min(Int(t.maxX), tileX + tileW - 1)
        let y0 = max(Int(t.minY), tileY), y1 = min(Int(t.maxY), tileY + tileH - 1)
        if x0 > x1 || y0 > y1 { return }
        // Edge k joins the corners other than k, with A_k the step per unit of x and B_k per unit of y.
        let ax = Int64(t.x0), ay = Int64(t.y0), bx = Int64(t.x1), by = Int64(t.y1), cx = Int64(t.x2), cy = Int64(t.y2)
        let a0 = by - cy, b0 = cx - bx // edge v1 -> v2
        let a1 = cy - ay, b1 = ax - cx // edge v2 -> v0
        let a2 = ay - by, b2 = bx - ax // edge v0 -> v1
        // OpenGL's fill rule: a sample exactly on an edge belongs to the triangle when the edge is a
        // left edge or a top edge in window coordinates, whose y runs up. Rows here run down, so
        // its top edges are bottom edges here: a left edge (it runs up in rows) or a horizontal
        // edge running left (the triangle lies above it in the image). Tested against llvmpipe.
        let bias0: Int64 = (cy - by < 0 || (cy == by && cx - bx < 0)) ? 0 : -1
        let bias1: Int64 = (ay - cy < 0 || (ay == cy && ax - cx < 0)) ? 0 : -1
        let bias2: Int64 = (by - ay < 0 || (by == ay && bx - ax < 0)) ? 0 : -1
        // Depth as a plane over the fixed-point coordinates.
        let area = Double(a2 * (cx - ax) + b2 * (cy - ay))
        let dz1 = Double(t.z1 - t.z0), dz2 = Double(t.z2 - t.z0)
        let dzdx = (dz1 * Double(cy - ay) - dz2 * Double(by - ay)) / area
        let dzdy = (dz2 * Double(bx - ax) - dz1 * Double(cx - ax)) / area
        let one = Int64(subpixelOne)
        let startX = Int64(x0) * one + Int64(subpixelHalf), startY = Int64(y0) * one + Int64(subpixelHalf)
        var row0 = a0 * (startX - bx) + b0 * (startY - by) + bias0
        var row1 = a1 * (startX - cx) + b1 * (startY - cy) + bias1
        var row2 = a2 * (startX - ax) + b2 * (startY - ay) + bias2
        let stepX0 = a0 * one, stepX1 = a1 * one, stepX2 = a2 * one
        let stepY0 = b0 * one, stepY1 = b1 * one, stepY2 = b2 * one
        let zStepX = Float(dzdx * Double(one))
        let size = Rasterizer.tileSize
        let depth = scratch.depth.baseAddress!, refs = scratch.reference.baseAddress!
        let s = offsets.count
        if s == 1 {
            let width = x1 - x0 + 1
            for y in y0...y1 {
                var z = Float(Double(t.z0) + dzdx * Double(startX - ax) + dzdy * Double(Int64(y) * one + Int64(subpixelHalf) - ay))
                var i = (y - tileY) * size + (x0 - tileX)
                if width >= 12 {
                    // Wide rows: the covered span follows from the three edges in closed form,
                    // and only the depth test runs per pixel.
                    let (first, last) = coveredSpan(row0, stepX0, row1, stepX1, row2, stepX2, count: width)
                    if first <= last {
                        z += zStepX * Float(first)
                        i += first
                        for _ in first...last {
                            if z < depth[i] {
                                depth[i] = z
                                refs[i] = reference
                            }
                            z += zStepX
                            i += 1
                        }
                    }
                } else {
                    var e0 = row0, e1 = row1, e2 = row2
                    for _ in x0...x1 {
                        if (e0 | e1 | e2) >= 0 && z < depth[i] {
                            depth[i] = z
                            refs[i] = reference
                        }
                        e0 &+= stepX0; e1 &+= stepX1; e2 &+= stepX2
                        z += zStepX
                        i += 1
                    }
                }
                row0 &+= stepY0; row1 &+= stepY1; row2 &+= stepY2
            }
            return
        }
        // Small triangles (the most of a large scene) fit 32-bit edge values: all samples of a
        // pixel are tested in one vector operation.
        // The edge values come from the corners, which may lie far off screen (guard band) even
        // where the clamped pixel bounds are small: the test uses the corners' own extent, plus a
        // pixel of room for sample offsets and the walk's first and last steps.
        let extentX = Int64(max(t.x0, t.x1, t.x2)) - Int64(min(t.x0, t.x1, t.x2)) + 2 * one
        let extentY = Int64(max(t.y0, t.y1, t.y2)) - Int64(min(t.y0, t.y1, t.y2)) + 2 * one
        if extentX * extentY < 1 << 29 {
            let edges = SmallTriangleEdges(
                a: SIMD3(Int32(a0), Int32(a1), Int32(a2)), b: SIMD3(Int32(b0), Int32(b1), Int32(b2)),
                row: SIMD3(Int32(row0), Int32(row1), Int32(row2)), dzdx: dzdx, dzdy: dzdy)
            let zStart = Double(t.z0) + dzdx * Double(startX - ax) + dzdy * Double(startY - ay)
            rasterizeSmall(edges, zStart: zStart, x0: x0, x1: x1, y0: y0, y1: y1, tileX: tileX, tileY: tileY,
                           reference: reference, offsets: offsets, scratch: scratch, groups: s / 4)
            return
        }
        // Multisampling: the same walk, each sample's offset added to the edge values. Offsets
        // sit in vector registers (lanes past the sample count unused): no memory per triangle.
        var off0 = SIMD8<Int64>(), off1 = SIMD8<Int64>(), off2 = SIMD8<Int64>()
        var zOff = SIMD8<Float>()
        for k in 0..<s {
            let ox = Int64(offsets[k].x) * one / 16, oy = Int64(offsets[k].y) * one / 16
            off0[k] = a0 * ox + b0 * oy; off1[k] = a1 * ox + b1 * oy; off2[k] = a2 * ox + b2 * oy
            zOff[k] = Float(dzdx * Double(ox) + dzdy * Double(oy))
        }
        // How far a sample's edge value can differ from the pixel center's: a pixel whose center
        // is farther inside than that is covered at every sample, farther outside at none.
        var m0: Int64 = 0, m1: Int64 = 0, m2: Int64 = 0
        for k in 0..<s { m0 = max(m0, abs(off0[k])); m1 = max(m1, abs(off1[k])); m2 = max(m2, abs(off2[k])) }
        for y in y0...y1 {
            var e0 = row0, e1 = row1, e2 = row2
            var z = Float(Double(t.z0) + dzdx * Double(startX - ax) + dzdy * Double(Int64(y) * one + Int64(subpixelHalf) - ay))
            var i = ((y - tileY) * size + (x0 - tileX)) * s
            for _ in x0...x1 {
                if ((e0 &+ m0) | (e1 &+ m1) | (e2 &+ m2)) >= 0 {
                    if ((e0 &- m0) | (e1 &- m1) | (e2 &- m2)) >= 0 {
                        for k in 0..<s {
                            let zk = z + zOff[k]
                            if zk < depth[i + k] {
                                depth[i + k] = zk
                                refs[i + k] = reference
                            }
                        }
                    } else {
                        for k in 0..<s where ((e0 &+ off0[k]) | (e1 &+ off1[k]) | (e2 &+ off2[k])) >= 0 {
                            let zk = z + zOff[k]
                            if zk < depth[i + k] {
                                depth[i + k] = zk
                                refs[i + k] = reference
                            }
                        }
                    }
                }
                e0 &+= stepX0; e1 &+= stepX1; e2 &+= stepX2
                z += zStepX
                i += s
            }
            row0 &+= stepY0; row1 &+= stepY1; row2 &+= stepY2
        }
    }

    /// Multisampled coverage of a small triangle, four samples to a vector: edge values in 32 bits
    /// (the caller checked that they fit); depth and triangle per sample loaded, compared and
    /// stored four at a time, in one group for 4x and two for 8x.
    @inline(__always)
    private func rasterizeSmall(
        _ edges: SmallTriangleEdges, zStart: Double, x0: Int, x1: Int, y0: Int, y1: Int, tileX: Int, tileY: Int,
        reference: UInt32, offsets: UnsafeBufferPointer<SIMD2<Int32>>, scratch: TileScratch, groups: Int
    ) {
        typealias E = SIMD4<Int32>
        let one = subpixelOne
        // Offsets of the samples of group 0 (lo) and group 1 (hi).
        var o0 = (E(), E()), o1 = (E(), E()), o2 = (E(), E()), zo = (SIMD4<Float>(), SIMD4<Float>())
        for k in 0..<(4 * groups) {
            let ox = offsets[k].x * one / 16, oy = offsets[k].y * one / 16
            let v0 = edges.a.x * ox + edges.b.x * oy, v1 = edges.a.y * ox + edges.b.y * oy, v2 = edges.a.z * ox + edges.b.z * oy
            let vz = Float(edges.dzdx * Double(ox) + edges.dzdy * Double(oy))
            if k < 4 {
                o0.0[k] = v0; o1.0[k] = v1; o2.0[k] = v2; zo.0[k] = vz
            } else {
                o0.1[k - 4] = v0; o1.1[k - 4] = v1; o2.1[k - 4] = v2; zo.1[k - 4] = vz
            }
        }
        let stepX = edges.a &* one
        let zStepX = Float(edges.dzdx * Double(one))
        let refs = SIMD4<UInt32>(repeating: reference)
        let size = Rasterizer.tileSize, s = 4 * groups
        let depth = UnsafeMutableRawPointer(scratch.depth.baseAddress!)
        let ids = UnsafeMutableRawPointer(scratch.reference.baseAddress!)
        var row = edges.row
        let step0 = E(repeating: stepX.x), step1 = E(repeating: stepX.y), step2 = E(repeating: stepX.z)
        let zStep = SIMD4<Float>(repeating: zStepX)
        /// Tests the four samples of one group with edge values `e*` and depths `zs`.
        @inline(__always) func cover(_ e0: E, _ e1: E, _ e2: E, _ zs: SIMD4<Float>, at: Int) {
            let inside = (e0 | e1 | e2) .>= E(repeating: 0)
            guard any(inside) else { return }
            let d = depth.loadUnaligned(fromByteOffset: at, as: SIMD4<Float>.self)
            let closer = (zs .< d) .& inside
            guard any(closer) else { return }
            var nd = d
            nd.replace(with: zs, where: closer)
            depth.storeBytes(of: nd, toByteOffset: at, as: SIMD4<Float>.self)
            var nr = ids.loadUnaligned(fromByteOffset: at, as: SIMD4<UInt32>.self)
            nr.replace(with: refs, where: closer)
            ids.storeBytes(of: nr, toByteOffset: at, as: SIMD4<UInt32>.self)
        }
        for y in y0...y1 {
            let zRow = SIMD4<Float>(repeating: Float(zStart + edges.dzdy * Double(Int64(y - y0) * Int64(one))))
            var byte = (((y - tileY) * size + (x0 - tileX)) * s) * 4
            var a0 = E(repeating: row.x) &+ o0.0, a1 = E(repeating: row.y) &+ o1.0, a2 = E(repeating: row.z) &+ o2.0
            var za = zRow + zo.0
            if groups == 1 {
                for _ in x0...x1 {
                    cover(a0, a1, a2, za, at: byte)
                    a0 &+= step0; a1 &+= step1; a2 &+= step2
                    za += zStep
                    byte += 16
                }
            } else {
                var b0 = E(repeating: row.x) &+ o0.1, b1 = E(repeating: row.y) &+ o1.1, b2 = E(repeating: row.z) &+ o2.1
                var zb = zRow + zo.1
                for _ in x0...x1 {
                    cover(a0, a1, a2, za, at: byte)
                    cover(b0, b1, b2, zb, at: byte + 16)
                    a0 &+= step0; a1 &+= step1; a2 &+= step2
                    b0 &+= step0; b1 &+= step1; b2 &+= step2
                    za += zStep; zb += zStep
                    byte += 32
                }
            }
            row &+= edges.b &* one
        }
    }
}

/// The edge functions of a small triangle in 32 bits: steps per unit of x (`a`) and of y (`b`)
/// for the three edges, their values at the first pixel, and the depth plane's slopes.
struct SmallTriangleEdges {
    var a: SIMD3<Int32>
    var b: SIMD3<Int32>
    var row: SIMD3<Int32>
    var dzdx: Double
    var dzdy: Double
}
