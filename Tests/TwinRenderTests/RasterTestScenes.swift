import Foundation
import TwinGeometry
@testable import TwinRender

/// Small scenes in pixel units: an orthographic camera looks down -Z at the XY plane so that
/// world (x, y) lands at pixel (x, height - y); one world unit is one pixel.
enum RasterTestScenes {
    static func pixelCamera(width: Int, height: Int) -> Camera {
        let cx = Double(width) / 2, cy = Double(height) / 2
        return Camera(eye: SIMD3(cx, cy, 10), target: SIMD3(cx, cy, 0), up: SIMD3(0, 1, 0),
                      projection: .orthographic(height: Double(height)), near: 1, far: 100)
    }

    /// Points given in pixel coordinates (x right, y down) as world points at depth `z`.
    static func world(_ p: SIMD2<Double>, height: Int, z: Double = 0) -> SIMD3<Float> {
        SIMD3<Float>(Float(p.x), Float(Double(height) - p.y), Float(z))
    }

    /// A scene of triangles given in pixel coordinates, each its own item.
    static func scene(triangles: [[SIMD2<Double>]], height: Int, depths: [Double]? = nil) -> RenderScene {
        var scene = RenderScene()
        for (i, corners) in triangles.enumerated() {
            let z = depths?[i] ?? 0
            let mesh = TriangleMesh(positions: corners.map { world($0, height: height, z: z) },
                                    normals: Array(repeating: SIMD3(0, 0, 1), count: 3), indices: [0, 1, 2])
            scene.append(mesh, transform: .identity, name: "t\(i)", color: SIMD4(1, 0, 0, 1))
        }
        return scene
    }

    /// How many of the triangles cover each pixel, counting each triangle alone (id pass).
    static func coverageCounts(triangles: [[SIMD2<Double>]], width: Int, height: Int) throws -> [Int] {
        var counts = [Int](repeating: 0, count: width * height)
        let camera = pixelCamera(width: width, height: height)
        let settings = RenderSettings(width: width, height: height, samples: 1, mode: .id, threads: 2)
        for triangle in triangles {
            let frame = try Rasterizer.render(scene(triangles: [triangle], height: height), camera: camera, settings: settings)
            for (i, item) in frame.items.enumerated() where item != RenderedFrame.background { counts[i] += 1 }
        }
        return counts
    }
}
