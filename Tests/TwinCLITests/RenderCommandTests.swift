import Foundation
import Testing
import TwinRender

@Suite("twin render, end to end")
struct RenderCommandTests {
    func temporary(_ name: String) -> String { NSTemporaryDirectory() + "twin-render-\(UUID().uuidString)-\(name)" }

    @Test func rendersTheDemoPlanWithStatesIntoAPNG() throws {
        let out = temporary("plan.png")
        let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--camera", "plan", "--state", "Assets/demo/state.json",
                                         "--size", "480x270", "-o", out, "--timings"])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try PNGDecoder.read(path: out)
        #expect(image.width == 480 && image.height == 270)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(String(decoding: bytes, as: UTF8.self).contains("tEXtTitle\u{0}Demo Assembly Hall"))
        let timings = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any])
        for key in ["load_s", "setup_s", "raster_s", "png_s"] { #expect((timings[key] as? Double ?? -1) >= 0, "\(key)") }
    }

    @Test func theIdPassWritesALegendOfEveryColorItShows() throws {
        let out = temporary("id.png"), legend = temporary("legend.json")
        let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "--camera", "plan", "--mode", "id", "--size", "640x360",
                                         "-o", out, "--legend-json", legend])
        #expect(result.status == 0, "\(result.stderr)")
        let names = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: legend))) as? [String: String])
        let image = try PNGDecoder.read(path: out)
        var counts: [String: Int] = [:]
        for i in stride(from: 0, to: image.pixels.count, by: 4) where image.pixels[i + 3] != 0 {
            counts[String(format: "#%02x%02x%02x", image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]), default: 0] += 1
        }
        #expect(counts.keys.allSatisfy { names[$0] != nil }, "every color in the image is in the legend")
        let machines = counts.filter { names[$0.key]!.hasPrefix("hall/Machines/") }
        #expect(Set(machines.keys.map { names[$0]!.split(separator: "#")[0] }).count == 44, "all 44 machines are seen from above")
    }

    @Test(arguments: [
        (["--size", "0x10"], "The value '0x10' is invalid for '--size <size>': image size 0x10 is out of range (WIDTHxHEIGHT, each side 1 to 16384)"),
        (["--size", "16385x10"], "The value '16385x10' is invalid for '--size <size>': image size 16385x10 is out of range (WIDTHxHEIGHT, each side 1 to 16384)"),
        (["--size", "3037000500x3037000500"], "The value '3037000500x3037000500' is invalid for '--size <size>': expected WIDTHxHEIGHT, each side 1 to 16384, such as 1920x1080; found '3037000500x3037000500'"),
        (["--aa", "3"], "--aa must be 1, 4 or 8 samples per pixel, found 3"),
        (["--camera", "attic"], "unknown camera 'attic' (known: plan, iso, overview, aisle-south, block-1, docks, west-detail)"),
        (["--eye", "0,10,0", "--target", "0,10,0", "--fov", "40"], "camera eye and target are the same point"),
        (["--eye", "0,10,0", "--target", "0,0,0", "--ortho", "20"], "camera up vector is zero or parallel to the view direction"),
        (["--eye", "5,10,0", "--target", "0,0,0", "--fov", "0"], "field of view must be between 0 and 180 degrees, found 0.0"),
        (["--state", "Assets/demo/plant.yaml"], "Assets/demo/plant.yaml: not valid JSON"),
    ])
    func badInputIsOneLineAndStatusTwo(arguments: [String], message: String) throws {
        let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "-o", temporary("bad.png"), "--size", "64x36"] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("twin: error: " + message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// A camera the manifest does not have is refused before any model loads: with a model file
    /// that Assimp cannot read, the camera is what the error names (and a bare model file has only
    /// the built-in views).
    @Test func anUnknownCameraIsRefusedBeforeTheModelsLoad() throws {
        let dir = temporary("manifest")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "not a model".write(toFile: dir + "/broken.glb", atomically: true, encoding: .utf8)
        try "name: Early\nmodels:\n  - {id: hall, file: broken.glb}\ncameras:\n  - {name: dock, eye: [0, -10, 5], target: [0, 0, 0], fov_deg: 40}\n"
            .write(toFile: dir + "/plant.yaml", atomically: true, encoding: .utf8)
        let refused = try TwinBinary.run(["render", dir + "/plant.yaml", "--camera", "nope", "-o", temporary("x.png")])
        #expect(refused.status == 2)
        #expect(refused.stderr == "twin: error: unknown camera 'nope' (known: plan, iso, dock)\n", "\(refused.stderr)")
        // The manifest's own camera passes the check, and the broken model is what fails then.
        let loaded = try TwinBinary.run(["render", dir + "/plant.yaml", "--camera", "dock", "-o", temporary("x.png")])
        #expect(loaded.status == 2 && loaded.stderr.contains("broken.glb"), "\(loaded.stderr)")
        let bare = try TwinBinary.run(["render", dir + "/broken.glb", "--camera", "dock", "-o", temporary("x.png")])
        #expect(bare.stderr == "twin: error: unknown camera 'dock' (known: plan, iso)\n", "\(bare.stderr)")
    }

    @Test func nonFiniteCameraValuesAreRefusedByTheParser() throws {
        let result = try TwinBinary.run(["render", "Assets/demo/plant.yaml", "-o", temporary("nan.png"),
                                         "--eye", "nan,1,1", "--target", "0,0,0", "--fov", "40"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--eye"))
    }

    @Test func anyModelFileRenders() throws {
        let out = temporary("cube.png")
        let result = try TwinBinary.run(["render", "Assets/demo/library/agv.glb", "--camera", "iso", "--size", "64x48", "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let image = try PNGDecoder.read(path: out)
        #expect(image.width == 64)
    }
}
