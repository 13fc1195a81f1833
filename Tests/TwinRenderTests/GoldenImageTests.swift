import Foundation
import Testing
import TwinGeometry
@testable import TwinRender

/// Renders compared with images committed beside this file, pixel by pixel within a tolerance.
/// `TWIN_UPDATE_GOLDEN=1 swift test` writes them anew, on purpose, never silently.
@Suite("Golden images")
struct GoldenImageTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// A machine-like scene: a floor, a housing, a column and a tilted beam, in three colors.
    static func scene() -> RenderScene {
        var scene = RenderScene()
        var floor = MeshBuilder()
        floor.addBox(min: SIMD3(-6, -0.1, -6), max: SIMD3(6, 0, 6))
        scene.append(floor.mesh, transform: .identity, name: "floor", color: SIMD4(0.4, 0.4, 0.38, 1))
        var housing = MeshBuilder()
        housing.addBox(min: SIMD3(-2, 0, -1.5), max: SIMD3(1, 2, 1.5))
        scene.append(housing.mesh, transform: .rotationY(0.3), name: "housing", color: SIMD4(0.05, 0.18, 0.45, 1))
        var column = MeshBuilder()
        column.addCylinder(base: SIMD3(3, 0, 1), radius: 0.6, height: 3, segments: 24)
        scene.append(column.mesh, transform: .identity, name: "column", color: SIMD4(0.9, 0.65, 0.02, 1))
        var beam = MeshBuilder()
        beam.addCylinder(from: SIMD3(-4, 0.5, 3), to: SIMD3(2, 2.5, 4), radius: 0.25, segments: 16)
        scene.append(beam.mesh, transform: .identity, name: "beam", color: SIMD4(0.9, 0.28, 0.02, 1))
        return scene
    }

    static let camera = Camera(eye: SIMD3(9, 7, 10), target: SIMD3(0, 1, 0), projection: .perspective(fovDegrees: 45))

    func check(_ image: Image, against name: String, tolerance: Int = 3, maximumDiffering: Double = 0.005) throws {
        let path = Self.directory + "/" + name
        if ProcessInfo.processInfo.environment["TWIN_UPDATE_GOLDEN"] == "1" {
            try PNGEncoder.write(image, to: path)
            return
        }
        let golden = try PNGDecoder.read(path: path)
        #expect(golden.width == image.width && golden.height == image.height)
        var differing = 0
        for i in stride(from: 0, to: image.pixels.count, by: 4) {
            let close = (0..<4).allSatisfy { abs(Int(image.pixels[i + $0]) - Int(golden.pixels[i + $0])) <= tolerance }
            if !close { differing += 1 }
        }
        let share = Double(differing) / Double(image.width * image.height)
        #expect(share <= maximumDiffering, "\(differing) pixels differ from \(name) by more than \(tolerance)")
    }

    @Test(arguments: [1, 4, 8])
    func theShadedSceneMatchesItsGoldenImage(samples: Int) throws {
        let settings = RenderSettings(width: 160, height: 120, samples: samples, mode: .shaded, outlines: samples == 1, threads: 2)
        let frame = try Rasterizer.render(Self.scene(), camera: Self.camera, settings: settings)
        try check(frame.image, against: "machine-\(samples)x.png")
    }

    @Test func theIdPassMatchesItsGoldenImageExactly() throws {
        let frame = try Rasterizer.render(Self.scene(), camera: Self.camera,
                                          settings: RenderSettings(width: 160, height: 120, mode: .id, threads: 2))
        try check(frame.image, against: "machine-id.png", tolerance: 0, maximumDiffering: 0)
    }

    @Test func aChangedSceneFailsTheComparison() throws {
        // The comparison has teeth: the same scene with the housing turned is not the golden image.
        var scene = Self.scene()
        scene.items[1].color = SIMD4(0.9, 0.1, 0.1, 1)
        let frame = try Rasterizer.render(scene, camera: Self.camera,
                                          settings: RenderSettings(width: 160, height: 120, samples: 4, threads: 2))
        let golden = try PNGDecoder.read(path: Self.directory + "/machine-4x.png")
        let differing = stride(from: 0, to: golden.pixels.count, by: 4).filter { i in
            (0..<3).contains { abs(Int(frame.image.pixels[i + $0]) - Int(golden.pixels[i + $0])) > 3 }
        }.count
        #expect(differing > 500)
    }

    @Test func pngsCarryTheirTextChunksAndReadBack() throws {
        let image = Image(width: 3, height: 2, fill: SIMD4(10, 20, 30, 255))
        let bytes = try PNGEncoder.encode(image, text: [("Title", "Demo Hall"), ("Software", "FactoryTwin")])
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("tEXtTitle\u{0}Demo Hall"))
        #expect(try PNGDecoder.decode(bytes) == image, "libpng reads the spliced file back, CRCs and all")
    }
}
