import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

/// Where the shared reference harnesses live, beside the checkout.
enum ReferenceHarness {
    static let renderDirectory = "../shared/bench/render"
    static var llvmpipeScript: String { renderDirectory + "/llvmpipe_render.py" }
    static var compareScript: String { renderDirectory + "/compare_png.py" }
}

/// The same explicit camera for both renderers, as command-line arguments.
struct BenchCamera {
    var camera: Camera

    var arguments: [String] {
        func v(_ p: SIMD3<Double>) -> String { "\(p.x),\(p.y),\(p.z)" }
        // --option=value: values may start with a minus sign.
        var out = ["--eye=" + v(camera.eye), "--target=" + v(camera.target), "--up=" + v(camera.up),
                   "--near=\(camera.near)", "--far=\(camera.far)"]
        switch camera.projection {
        case .perspective(let fov): out.append("--fov=\(fov)")
        case .orthographic(let h): out.append("--ortho=\(h)")
        }
        return out
    }

    /// The iso or plan preset framed on a model file's own bounds.
    static func preset(_ name: String, model: String, load: LoadOptions, width: Int, height: Int) throws -> BenchCamera {
        let plant = try load.loadPlant(model)
        let bounds = PlantScene(plant: plant).scene.bounds
        let aspect = Double(width) / Double(height)
        return BenchCamera(camera: name == "plan" ? CameraPresets.plan(bounds: bounds, aspect: aspect)
                                                  : CameraPresets.iso(bounds: bounds, aspect: aspect))
    }
}

struct RenderBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Frame times of twin render next to Mesa's llvmpipe, same scene and camera, in one run.",
        discussion: """
            For demo and demo-large (the hall model of each), at 1920x1080 with 1 and 4 samples: our scene \
            setup, median frame, PNG encoding, triangles per second and peak memory, then llvmpipe's through \
            ../shared/bench/render/llvmpipe_render.py (skipped with a note when it cannot run). Each renderer \
            runs in its own process, so that the peak memory is its own.

            Examples:
              twin bench render
            """)

    @Option(help: "Frames per configuration (the median is reported).")
    var frames: Int = 5

    @Option(help: sizeHelp, transform: sizeArgument)
    var size: ImageSize = defaultImageSize

    @Flag(help: "Leave llvmpipe out.")
    var noReference = false

    @Option(help: "Plants to measure, comma separated: demo, demo-large.")
    var plants: String = "demo,demo-large"

    @OptionGroup var load: LoadOptions

    func validate() throws {
        guard (1...1000).contains(frames) else { throw ValidationError("--frames must be between 1 and 1000") }
        for name in plants.split(separator: ",", omittingEmptySubsequences: false) where !["demo", "demo-large"].contains(String(name)) {
            throw ValidationError("--plants: unknown plant '\(name)' (known: demo, demo-large)")
        }
    }

    func run() throws {
        let twin = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let reference = !noReference && FileManager.default.fileExists(atPath: ReferenceHarness.llvmpipeScript)
        if !noReference && !reference { print("note: \(ReferenceHarness.llvmpipeScript) not found; llvmpipe left out") }
        print("twin bench render: \(size.width)x\(size.height), median of \(frames) frames, iso camera, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("plant       triangles   aa | ours: scene s  frame s  png s  Mtri/s  peak MiB | llvmpipe: upload s  frame s  Mtri/s  peak MiB | llvmpipe frame / ours")
        let names = plants.split(separator: ",").map(String.init)
        var progress = BenchProgress("twin bench render", steps: names.count * 2)
        for name in names {
            if name == "demo-large" { _ = try ensureDemoLarge() }
            let model = "Assets/\(name)/hall.glb"
            guard FileManager.default.fileExists(atPath: model) else { throw CLIFailure.badInput("\(model): file not found") }
            let camera = try BenchCamera.preset("iso", model: model, load: load, width: size.width, height: size.height)
            for aa in [1, 4] {
                progress.step("\(name), \(aa) sample\(aa == 1 ? "" : "s") a pixel")
                let out = NSTemporaryDirectory() + "twin-bench-ours.png"
                let ours = try ChildProcess.run([twin, "render", model, "-o", out, "--size", "\(size.width)x\(size.height)",
                                                 "--aa", "\(aa)", "--frames", "\(frames)", "--timings", "--no-overlays"] + camera.arguments)
                guard ours.status == 0, let t = ChildProcess.json(in: ours.stderr) else {
                    throw CLIFailure.badInput("twin render failed: \(ours.stderr)")
                }
                let triangles: Int = (t["triangles"]?.numberValue).map { Int($0) } ?? 0
                let frame: Double = t["frame_s"]?.numberValue ?? 0
                let sceneSeconds: Double = t["scene_s"]?.numberValue ?? 0, pngSeconds: Double = t["png_s"]?.numberValue ?? 0
                var line = pad(name, 10) + " " + padLeft(grouped(triangles), 10) + String(format: "  %3d | %13.3f  %7.3f  %5.3f  %6.1f  %8.0f |",
                                  aa, sceneSeconds, frame, pngSeconds, Double(triangles) / max(frame, 1e-9) / 1e6, ours.peakMiB)
                if reference {
                    let refOut = NSTemporaryDirectory() + "twin-bench-llvmpipe.png"
                    let ref = try ChildProcess.run(["python3", ReferenceHarness.llvmpipeScript, model, "-o", refOut,
                                                    "--size", "\(size.width)x\(size.height)", "--aa", "\(aa)",
                                                    "--frames", "\(frames)"] + camera.arguments)
                    if ref.status == 0, let r = ChildProcess.json(in: ref.stdout), let refFrame = r["frame_s_median"]?.numberValue {
                        let upload: Double = r["upload_s"]?.numberValue ?? 0
                        let rate: Double = Double(triangles) / refFrame / 1e6
                        let ratio: Double = refFrame / max(frame, 1e-9)
                        line += String(format: " %17.3f  %7.3f  %6.1f  %8.0f | %5.2f", upload, refFrame, rate, ref.peakMiB, ratio)
                    } else {
                        line += " llvmpipe failed: " + (ref.stderr.split(separator: "\n").last.map(String.init) ?? "status \(ref.status)")
                    }
                }
                progress.clear()
                print(line)
            }
        }
        progress.finish()
        print("frame: vertex transform, clipping, setup, binning, rasterization, shading and resolve (ours); draw and resolve to glFinish (llvmpipe)")
    }
}

struct ExactnessBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exactness",
        abstract: "Id-pass agreement with Mesa's llvmpipe: the demo plant (plan and iso) and every model in ../shared/models.",
        discussion: """
            Agreement is compare_png.py --id's: the fraction of pixels whose region pairs hold (1.0 = the same regions exactly).

            Examples:
              twin bench exactness
            """)

    @Option(help: sizeHelp, transform: sizeArgument)
    var size: ImageSize = defaultImageSize

    @Option(help: "The folder of shared model files.")
    var models: String = "../shared/models"

    @OptionGroup var load: LoadOptions


    func run() throws {
        guard FileManager.default.fileExists(atPath: ReferenceHarness.llvmpipeScript) else {
            throw CLIFailure.badInput("\(ReferenceHarness.llvmpipeScript) not found: the exactness check needs ../shared/bench/render")
        }
        let twin = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var cases: [(model: String, view: String)] = [("Assets/demo/hall.glb", "plan"), ("Assets/demo/hall.glb", "iso")]
        if let files = FileManager.default.enumerator(atPath: models) {
            let extensions = Set(["3ds", "3mf", "dae", "fbx", "obj", "off", "ply", "stl", "x3d", "glb", "gltf"])
            for case let file as String in files where extensions.contains(URL(fileURLWithPath: file).pathExtension.lowercased()) {
                cases.append((models + "/" + file, "iso"))
            }
        }
        print("twin bench exactness: id pass, \(size.width)x\(size.height), ours against llvmpipe with the same camera")
        var worst = 1.0
        var progress = BenchProgress("twin bench exactness", steps: cases.count)
        for (model, view) in cases.sorted(by: { ($0.model, $0.view) < ($1.model, $1.view) }) {
            progress.step("\((model as NSString).lastPathComponent) \(view)")
            defer { progress.clear() }
            let camera: BenchCamera
            do {
                camera = try BenchCamera.preset(view, model: model, load: load, width: size.width, height: size.height)
            } catch {
                print(pad(model, 70) + " " + pad(view, 5) + "  skipped: does not load")
                continue
            }
            let ours = NSTemporaryDirectory() + "twin-exact-ours.png", ref = NSTemporaryDirectory() + "twin-exact-ref.png"
            let a = try ChildProcess.run([twin, "render", model, "-o", ours, "--mode", "id", "--size", "\(size.width)x\(size.height)"]
                                         + camera.arguments)
            let b = try ChildProcess.run(["python3", ReferenceHarness.llvmpipeScript, model, "-o", ref, "--mode", "id",
                                          "--size", "\(size.width)x\(size.height)", "--frames", "1"] + camera.arguments)
            guard a.status == 0, b.status == 0 else {
                let ourError: String = a.stderr.split(separator: "\n").first.map(String.init) ?? ""
                let theirError: String = b.stderr.split(separator: "\n").last.map(String.init) ?? ""
                let why: String = a.status != 0 ? "twin failed: " + ourError : "llvmpipe failed: " + theirError
                print(pad(model, 70) + " " + pad(view, 5) + "  skipped: " + why)
                continue
            }
            let compared = try ChildProcess.run(["python3", ReferenceHarness.compareScript, ours, ref, "--id"])
            guard let result = ChildProcess.json(in: compared.stdout), let agreement = result["agreement"]?.numberValue else {
                throw CLIFailure.badInput("compare_png.py failed: \(compared.stderr)")
            }
            worst = min(worst, agreement)
            print(pad(model, 70) + " " + pad(view, 5) + String(format: "  agreement %.5f  regions %d / %d", agreement,
                                                               (result["regions_a"]?.numberValue).map { Int($0) } ?? 0, (result["regions_b"]?.numberValue).map { Int($0) } ?? 0))
        }
        progress.finish()
        print(String(format: "lowest agreement: %.5f (target: at least 0.995)", worst))
    }
}

/// `text` padded with spaces to `width` (left-aligned).
func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }

/// `text` padded with spaces to `width` (right-aligned).
func padLeft(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
