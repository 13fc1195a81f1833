import Dispatch
import Foundation
import Synchronization
import TwinGeometry

/// Seconds spent in each stage of a frame.
public struct RenderTimings: Sendable {
    /// Building the world-space scene (flattening the plant), done once per scene: set by callers.
    public var sceneSeconds: Double = 0
    /// Vertex transform, clipping, triangle setup and binning into tiles.
    public var setupSeconds: Double = 0
    /// Rasterizing, shading, resolving samples and drawing outlines.
    public var rasterSeconds: Double = 0
    /// Drawing overlays (zones, network, labels): set by callers that draw them.
    public var overlaySeconds: Double = 0

    public init() {}
}

/// A drawn frame: the image, and for each pixel the item seen at its first sample.
public struct RenderedFrame: Sendable {
    public var image: Image
    /// Per pixel, the item index of sample 0, or `RenderedFrame.background`.
    public var items: [UInt32]
    /// Per pixel, the distance along the view direction to the surface seen at sample 0
    /// (infinity where none): overlays use it to stay behind what stands in front of the floor.
    public var viewDepth: [Float]
    public var timings: RenderTimings
    /// Triangles that reached setup and were drawn into at least one tile.
    public var trianglesBinned: Int

    public static let background = UInt32.max

    public init(image: Image, items: [UInt32], viewDepth: [Float], timings: RenderTimings, trianglesBinned: Int) {
        self.image = image; self.items = items; self.viewDepth = viewDepth; self.timings = timings
        self.trianglesBinned = trianglesBinned
    }
}

/// The software rasterizer: tiles of 64 x 64 pixels rendered in parallel on every core.
///
/// A frame runs in stages: vertices to clip space (in parallel chunks); triangle setup with
/// clipping against the near and far planes and a guard band, snapping to 24.8 fixed point and
/// counting tile coverage (in parallel chunks); binning, each chunk filling its own slots so that
/// every tile sees its triangles in draw order; then per tile, on its own worker, rasterization into
/// a visibility buffer (depth and triangle per sample, OpenGL's fill rule on exact integer edge
/// functions), shading of each visible triangle once per pixel, and the resolve in linear light.
public enum Rasterizer {
    static let tileSize = 64

    /// Draws `scene` as `camera` sees it.
    public static func render(_ scene: RenderScene, camera: Camera, settings: RenderSettings) throws(RenderError) -> RenderedFrame {
        try settings.validate()
        try camera.validate()
        var timings = RenderTimings()
        let setupStart = ContinuousClock.now
        let frame = FrameSetup(scene: scene, camera: camera, settings: settings)
        timings.setupSeconds = (ContinuousClock.now - setupStart).seconds
        let rasterStart = ContinuousClock.now
        var result = frame.rasterize()
        timings.rasterSeconds = (ContinuousClock.now - rasterStart).seconds
        result.timings = timings
        return result
    }
}


/// Sample offsets from the pixel center in 1/16 pixel, the standard 4x and 8x patterns.
enum SamplePattern {
    static func offsets(_ samples: Int) -> [SIMD2<Int32>] {
        switch samples {
        case 4: return [SIMD2(-2, -6), SIMD2(6, -2), SIMD2(-6, 2), SIMD2(2, 6)]
        case 8: return [SIMD2(1, -3), SIMD2(-1, 3), SIMD2(5, 1), SIMD2(-3, -5), SIMD2(-5, 5), SIMD2(-7, -1), SIMD2(3, 7), SIMD2(7, -7)]
        default: return [SIMD2(0, 0)]
        }
    }
}

/// One frame's work after setup and binning: what every tile worker reads.
final class FrameSetup: @unchecked Sendable {
    let scene: RenderScene
    let camera: Camera
    let settings: RenderSettings
    let width: Int, height: Int, samples: Int
    let tilesX: Int, tilesY: Int
    let workers: Int
    /// The triangles each setup chunk kept, in draw order: `chunkKept[c]` of them at `chunkStorage[c]`.
    var chunkStorage: UnsafeMutablePointer<UnsafeMutablePointer<SetupTriangle>>!
    var chunkKept: [Int] = []
    var chunks = 0
    /// Per tile, references to kept triangles in draw order: `bins[binStart[t] ..< binStart[t + 1]]`,
    /// each the chunk in the top bits and the index within the chunk below `chunkShift`.
    var bins: [UInt32] = []
    static let chunkShift: UInt32 = 26
    static let maximumChunks = 63
    var binStart: [Int] = []

    init(scene: RenderScene, camera: Camera, settings: RenderSettings) {
        self.scene = scene
        self.camera = camera
        self.settings = settings
        width = settings.width
        height = settings.height
        samples = settings.effectiveSamples
        tilesX = (width + Rasterizer.tileSize - 1) / Rasterizer.tileSize
        tilesY = (height + Rasterizer.tileSize - 1) / Rasterizer.tileSize
        workers = settings.threads ?? ProcessInfo.processInfo.activeProcessorCount
        buildBins()
    }

    deinit {
        for c in 0..<chunks { chunkStorage[c].deallocate() }
        chunkStorage?.deallocate()
    }

    /// Vertex transform, triangle setup and binning.
    private func buildBins() {
        let vp = camera.viewProjection(width: width, height: height)
        let m0 = SIMD4<Float>(vp.c0), m1 = SIMD4<Float>(vp.c1), m2 = SIMD4<Float>(vp.c2), m3 = SIMD4<Float>(vp.c3)
        let vertexCount = scene.positions.count
        let triangleCount = scene.triangleCount
        let tileCount = tilesX * tilesY
        let setup = TriangleSetup(width: width, height: height, samples: samples)

        // Vertices to clip space.
        var clip = [SIMD4<Float>](repeating: .zero, count: vertexCount)
        clip.withUnsafeMutableBufferPointer { out in
            scene.positions.withUnsafeBufferPointer { positions in
                let chunk = 1 << 16
                parallelFor((vertexCount + chunk - 1) / chunk) { c in
                    for i in (c * chunk)..<min(vertexCount, (c + 1) * chunk) {
                        let p = positions[i]
                        out[i] = m0 * p.x + m1 * p.y + m2 * p.z + m3
                    }
                }
            }
        }

        // Triangle setup in chunks. Each chunk keeps only the triangles (and clipped pieces) that
        // cover a sample, in draw order, and counts how many of them touch each tile.
        let chunkCount = max(1, min(FrameSetup.maximumChunks, workers * 4, (triangleCount + 4095) / 4096))
        let chunkLength = (triangleCount + chunkCount - 1) / max(chunkCount, 1)
        var counts = [Int32](repeating: 0, count: chunkCount * tileCount)
        // Room for every triangle of a chunk clipped into the most pieces a triangle can become
        // (a 9-gon: 7); only the memory of what is kept is ever touched.
        chunkStorage = .allocate(capacity: chunkCount)
        chunkKept = [Int](repeating: 0, count: chunkCount)
        for c in 0..<chunkCount {
            chunkStorage[c] = .allocate(capacity: max(1, min(triangleCount - c * chunkLength, chunkLength)) * 7)
        }
        chunks = chunkCount
        let tileShift = Rasterizer.tileSize.trailingZeroBitCount
        let tilesX = self.tilesX
        let storage = chunkStorage!
        counts.withUnsafeMutableBufferPointer { countsOut in
            chunkKept.withUnsafeMutableBufferPointer { keptOut in
                clip.withUnsafeBufferPointer { clip in
                    scene.indices.withUnsafeBufferPointer { indices in
                        parallelFor(chunkCount) { c in
                            let range = (c * chunkLength)..<min(triangleCount, (c + 1) * chunkLength)
                            let kept = storage[c]
                            var keptCount = 0
                            var polygon: [SIMD4<Float>] = [], scratch: [SIMD4<Float>] = []
                            polygon.reserveCapacity(12); scratch.reserveCapacity(12)
                            let tileCounts = countsOut.baseAddress! + c * tileCount
                            var piece = SetupTriangle.empty
                            @inline(__always) func keep(_ s: SetupTriangle) {
                                kept[keptCount] = s
                                keptCount += 1
                                for ty in Int(s.minY) >> tileShift...Int(s.maxY) >> tileShift {
                                    for tx in Int(s.minX) >> tileShift...Int(s.maxX) >> tileShift {
                                        tileCounts[ty * tilesX + tx] += 1
                                    }
                                }
                            }
                            for t in range {
                                let a = clip[Int(indices[3 * t])], b = clip[Int(indices[3 * t + 1])], d = clip[Int(indices[3 * t + 2])]
                                let oa = setup.outcode(a), ob = setup.outcode(b), od = setup.outcode(d)
                                if oa & ob & od != 0 { continue }
                                if (oa | ob | od) == 0 {
                                    if setup.make(setup.project(a), setup.project(b), setup.project(d), triangle: UInt32(t), into: &piece) {
                                        keep(piece)
                                    }
                                    continue
                                }
                                let n = setup.clip(a, b, d, polygon: &polygon, scratch: &scratch)
                                guard n >= 3 else { continue }
                                let p0 = setup.project(polygon[0])
                                for k in 1..<(n - 1)
                                where setup.make(p0, setup.project(polygon[k]), setup.project(polygon[k + 1]), triangle: UInt32(t), into: &piece) {
                                    keep(piece)
                                }
                            }
                            keptOut[c] = keptCount
                        }
                    }
                }
            }
        }

        // Bin offsets: per tile, chunk after chunk, so that every tile sees its triangles in draw order.
        binStart = [Int](repeating: 0, count: tileCount + 1)
        var chunkOffset = [Int](repeating: 0, count: chunkCount * tileCount)
        var running = 0
        for tile in 0..<tileCount {
            binStart[tile] = running
            for c in 0..<chunkCount {
                chunkOffset[c * tileCount + tile] = running
                running += Int(counts[c * tileCount + tile])
            }
        }
        binStart[tileCount] = running
        bins = [UInt32](repeating: 0, count: running)
        bins.withUnsafeMutableBufferPointer { binsOut in
            chunkOffset.withUnsafeMutableBufferPointer { offsets in
                parallelFor(chunkCount) { c in
                    let next = offsets.baseAddress! + c * tileCount
                    let setups = storage[c]
                    do {
                        for k in 0..<chunkKept[c] {
                            let s = setups[k]
                            let ref = UInt32(c) << FrameSetup.chunkShift | UInt32(k)
                            for ty in Int(s.minY) >> tileShift...Int(s.maxY) >> tileShift {
                                for tx in Int(s.minX) >> tileShift...Int(s.maxX) >> tileShift {
                                    let tile = ty * tilesX + tx
                                    binsOut[next[tile]] = ref
                                    next[tile] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
