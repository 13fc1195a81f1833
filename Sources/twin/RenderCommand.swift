import ArgumentParser
import Foundation
import TwinCollision
import TwinGeometry
import TwinJSON
import TwinLayout
import TwinOperations
import TwinRender
import TwinState

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a PNG snapshot of a plant with the software rasterizer.",
        discussion: """
            Cameras: --camera plan (top-down, north up), iso (from the south-east), or a camera \
            named in the manifest; or an explicit camera in scene coordinates (glTF: meters, Y up; \
            the floor's (x, y) is (X, -Z)) with --eye, --target, --up and --fov or --ortho, as \
            gluLookAt, gluPerspective and glOrtho take them.

            Examples:
              twin render Assets/demo/plant.yaml --camera plan -o plan.png
              twin render Assets/demo/plant.yaml --state Assets/demo/state.json -o iso.png
              twin render Assets/demo/plant.yaml --camera block-1 --aa 8 -o block.png
              twin render Assets/demo/hall.glb --eye 150,60,40 --target 60,0,-40 \\
                  --fov 40 --size 1280x720 -o eye.png
            """)

    @Argument(help: "A plant.yaml manifest or a model file.")
    var plant: String

    @Option(name: .shortAndLong, help: "The PNG file to write.")
    var output: String

    @Option(help: "plan, iso, or a camera named in the manifest.")
    var camera: String?

    // Unconditional parsing: a value may start with a minus sign (--eye -10,5,3).
    @Option(parsing: .unconditional, help: "Camera position X,Y,Z (scene coordinates).")
    var eye: Vector3?
    @Option(parsing: .unconditional, help: "Point looked at X,Y,Z (scene coordinates).")
    var target: Vector3?
    @Option(parsing: .unconditional, help: "Up direction X,Y,Z (default 0,1,0).")
    var up: Vector3?
    @Option(help: "Vertical field of view in degrees (perspective).")
    var fov: Double?
    @Option(help: "Vertical extent in meters (orthographic).")
    var ortho: Double?
    @Option(help: "Near clip distance.")
    var near: Double = 0.1
    @Option(help: "Far clip distance.")
    var far: Double = 2000

    @Option(help: sizeHelp, transform: sizeArgument)
    var size: ImageSize = defaultImageSize

    @Option(help: "Samples per pixel: 1, 4 or 8.")
    var aa: Int = 4

    @Option(help: "shaded, or id: each node's mesh in a flat, distinct color, for comparisons.")
    var mode: RenderSettings.Mode = .shaded

    @Option(name: .customLong("legend-json"), help: "With --mode id: write a JSON map of each color to its node path.")
    var legendJSON: String?

    @Flag(inversion: .prefixedNo, help: "Dark lines along silhouettes and creases (default: on in plan views).")
    var outlines: Bool?

    @Option(help: "A state document (JSON, as twin state --json prints it): {\"time\": ..., \"entities\": {\"M-012\": {\"status\": \"fault\"}, \"AGV-02\": {\"pose\": {\"x\": 40, \"y\": 8, \"theta\": 0}}}}.")
    var state: String?

    @Flag(inversion: .prefixedNo, help: "Zones, AGV network, labels, legend and title bar over the image.")
    var overlays = true

    @Flag(help: "Print one JSON line of stage times to stderr.")
    var timings = false

    @Option(help: "Worker threads (default: every core).")
    var threads: Int?

    @Option(help: "Draw the frame this many times and report the median in --timings (for benchmarks).")
    var frames: Int = 1

    @Option(help: "Draw the state at this moment (ISO 8601), from the plant's history.", transform: TimeArgument.parse)
    var at: TimeArgument?

    @OptionGroup var history: HistoryOptions
    @OptionGroup var load: LoadOptions

    func validate() throws {
        if state != nil && (at != nil || history.db != nil) { throw ValidationError("give --state FILE or --at/--db, not both") }
        if eye != nil || target != nil {
            guard eye != nil, target != nil else { throw ValidationError("--eye and --target go together") }
            guard (fov == nil) != (ortho == nil) else { throw ValidationError("give exactly one of --fov or --ortho with --eye") }
            guard camera == nil else { throw ValidationError("give either --camera or --eye/--target, not both") }
        } else if fov != nil || ortho != nil || up != nil {
            throw ValidationError("--fov, --ortho and --up need --eye and --target")
        }
        if legendJSON != nil && mode != .id { throw ValidationError("--legend-json needs --mode id") }
        // Checked before the plant loads: a wrong sample count should not cost a load.
        guard [1, 4, 8].contains(aa) else { throw ValidationError("--aa must be 1, 4 or 8 samples per pixel, found \(aa)") }
        guard (1...1000).contains(frames) else { throw ValidationError("--frames must be between 1 and 1000") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let choice = try cameraChoice()
        let loaded = try load.loadPlant(plant) { manifest in
            // A camera the manifest does not have is refused before the models load.
            guard case .named(let name) = choice else { return }
            let known = CameraPresets.builtIn + (manifest?.cameras.map(\.name) ?? [])
            if !known.contains(name) { throw CLIFailure.badInput(TwinError.unknownCamera(name, known: known).description) }
        }
        let loadSeconds = (ContinuousClock.now - started).seconds
        var twin = Twin(plant: loaded)
        if let state {
            do { twin = Twin(plant: loaded, state: try PlantState.load(documentAt: state, plant: loaded)) } catch {
                throw CLIFailure.badInput(error.description)
            }
        } else if at != nil || history.db != nil {
            guard let store = try history.openExisting(plant: loaded, at: plant) else {
                throw CLIFailure.badInput("\(history.path(for: plant)): no history there, so no state at \(at!.value) (twin apply writes one)")
            }
            do { twin = Twin(plant: loaded, state: try store.state(at: at?.value)) } catch { throw CLIFailure.badInput(error.description) }
        }
        let request = SnapshotRequest(
            camera: choice, width: size.width, height: size.height, samples: aa, mode: mode,
            outlines: outlines, threads: threads, overlays: overlays)
        var repeated = request
        repeated.frames = frames
        let snapshot: Snapshot
        do {
            snapshot = try twin.render(repeated)
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        let pngStart = ContinuousClock.now
        do {
            try PNGEncoder.write(snapshot.image, to: output, text: snapshot.textChunks(version: FactoryTwinVersion.string))
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        let pngSeconds = (ContinuousClock.now - pngStart).seconds
        if let legendJSON {
            do {
                try Data(JSONWriter.line(snapshot.legendJSON).utf8).write(to: URL(fileURLWithPath: legendJSON), options: .atomic)
            } catch {
                throw CLIFailure.cannotWrite(legendJSON, error)
            }
        }
        if timings {
            let t = snapshot.timings
            func seconds(_ s: Double) -> JSONValue { .number(s, places: 4) }
            let line: JSONValue = ["load_s": seconds(loadSeconds), "scene_s": seconds(t.sceneSeconds), "setup_s": seconds(t.setupSeconds),
                                   "raster_s": seconds(t.rasterSeconds), "frame_s": seconds(t.setupSeconds + t.rasterSeconds),
                                   "overlay_s": seconds(t.overlaySeconds), "png_s": seconds(pngSeconds),
                                   "triangles": .number(Double(snapshot.triangles)), "frames": .number(Double(frames))]
            FileHandle.standardError.write(Data(JSONWriter.line(line, pretty: false).utf8))
        }
    }

    private func cameraChoice() throws -> SnapshotRequest.CameraChoice {
        if let eye, let target {
            let projection: Camera.Projection = fov.map { .perspective(fovDegrees: $0) } ?? .orthographic(height: ortho ?? 1)
            return .explicit(Camera(eye: eye.value, target: target.value, up: up?.value ?? SIMD3(0, 1, 0),
                                    projection: projection, near: near, far: far))
        }
        return .named(camera ?? "iso")
    }
}

/// X,Y,Z from the command line.
struct Vector3: ExpressibleByArgument {
    var value: SIMD3<Double>
    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2], x.isFinite, y.isFinite, z.isFinite else {
            return nil
        }
        value = SIMD3(x, y, z)
    }
}

/// WIDTHxHEIGHT from the command line (`--size`), read by the one reading every part of the twin
/// shares: each side checked before any arithmetic, and the reason said.
/// The size of an image when none is given; the help says it from here.
let defaultImageSize = ImageSize(width: 1920, height: 1080)
let sizeHelp = ArgumentHelp("Image size WIDTHxHEIGHT, up to \(ImageSize.maximumSide) on each side. (default: \(defaultImageSize))")

func sizeArgument(_ text: String) throws -> ImageSize {
    switch ImageSize.parse(text) {
    case .success(let size): return size
    case .failure(let problem): throw ValidationError(problem.description)
    }
}

extension RenderSettings.Mode: ExpressibleByArgument {}
