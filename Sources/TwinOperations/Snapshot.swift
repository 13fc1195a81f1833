import TwinJSON
import Foundation
import TwinGeometry
import TwinLayout
import TwinState
import TwinRender

/// What to draw: which camera, how large, how many samples, which mode.
public struct SnapshotRequest: Sendable {
    public enum CameraChoice: Sendable {
        /// plan, iso, or a camera named in the manifest.
        case named(String)
        case explicit(Camera)
    }

    public var camera: CameraChoice
    public var width: Int
    public var height: Int
    public var samples: Int
    public var mode: RenderSettings.Mode
    /// Outlines along silhouettes and creases; nil: on in plan views, off otherwise.
    public var outlines: Bool?
    public var threads: Int?
    /// Machine states and AGV poses to show; nil: the twin's own state.
    public var states: EntityStates?
    /// Zones, network, labels, legend and title over the shaded image (never over the id pass).
    public var overlays: Bool
    /// How many times to draw the frame, for benchmarks: the timings then hold the median.
    public var frames: Int = 1

    public init(camera: CameraChoice = .named("iso"), width: Int = 1920, height: Int = 1080, samples: Int = 4,
                mode: RenderSettings.Mode = .shaded, outlines: Bool? = nil, threads: Int? = nil,
                states: EntityStates? = nil, overlays: Bool = true) {
        self.camera = camera; self.width = width; self.height = height; self.samples = samples
        self.mode = mode; self.outlines = outlines; self.threads = threads
        self.states = states; self.overlays = overlays
    }
}

/// A rendered image of the twin, with what it took to make it.
public struct Snapshot: Sendable {
    public var image: Image
    public var camera: Camera
    public var cameraName: String
    public var plantName: String
    public var timings: RenderTimings
    public var triangles: Int
    /// Item names in item order, for the id pass's legend.
    public var itemNames: [String]
    public var items: [UInt32]
    /// The time of the state shown, when the state said.
    public var stateTime: String?

    /// Renders the twin.
    public static func render(_ twin: Twin, _ request: SnapshotRequest) throws(TwinError) -> Snapshot {
        var settings = RenderSettings(width: request.width, height: request.height, samples: request.samples, mode: request.mode)
        do { try settings.validate() } catch { throw .render(error) }
        let setupStart = ContinuousClock.now
        let plant = twin.layout
        let states = request.states ?? EntityStates(twin.state, noDataAfter: twin.plant.sync.noDataAfter)
        var plantScene = PlantScene(plant: plant, agvPoses: states.poses)
        var statusColors: [MachineStatus: SIMD3<Float>] = [:]
        for status in MachineStatus.allCases { statusColors[status] = plant.stateColors[status.rawValue] ?? status.defaultColor }
        if request.mode == .shaded && (!states.statuses.isEmpty || !states.noData.isEmpty) {
            var tints: [Int: SIMD3<Float>] = [:]
            for (e, entity) in plant.entities.enumerated() {
                if states.noData.contains(entity.id) {
                    tints[e] = MachineStatus.noDataColor
                } else if let status = states.statuses[entity.id] {
                    tints[e] = statusColors[status]
                } else if MachineStatus.statusCategories.contains(entity.category) {
                    // No status where others have one: neutral, not its model's color.
                    tints[e] = MachineStatus.neutralColor
                }
            }
            plantScene.tint(tints)
        }
        let sceneSeconds = (ContinuousClock.now - setupStart).seconds
        let aspect = Double(request.width) / Double(max(request.height, 1))
        let camera: Camera, name: String
        switch request.camera {
        case .explicit(let c):
            camera = c
            name = "explicit"
        case .named(let n):
            guard let c = CameraPresets.camera(named: n, plant: twin.plant, bounds: plantScene.scene.bounds, aspect: aspect) else {
                throw .unknownCamera(n, known: CameraPresets.builtIn + twin.plant.cameras.map(\.name))
            }
            camera = c
            name = n
        }
        settings.outlines = request.mode == .shaded && (request.outlines ?? (name == "plan"))
        settings.threads = request.threads
        settings.outputsViewDepth = request.overlays && request.mode == .shaded
        var frame: RenderedFrame
        var frameSeconds: [(setup: Double, raster: Double)] = []
        repeat {
            do {
                frame = try Rasterizer.render(plantScene.scene, camera: camera, settings: settings)
            } catch {
                throw .render(error)
            }
            frameSeconds.append((frame.timings.setupSeconds, frame.timings.rasterSeconds))
        } while frameSeconds.count < max(1, request.frames)
        var timings = frame.timings
        let median = frameSeconds.sorted { $0.setup + $0.raster < $1.setup + $1.raster }[frameSeconds.count / 2]
        timings.setupSeconds = median.setup
        timings.rasterSeconds = median.raster
        timings.sceneSeconds = sceneSeconds
        var image = frame.image
        if request.overlays && request.mode == .shaded {
            let overlayStart = ContinuousClock.now
            let overlay = PlantOverlay.make(plant: plant, states: states, statusColors: statusColors, cameraName: name)
            image = OverlayPainter.paint(overlay, on: frame, view: ViewGeometry(camera: camera, width: request.width, height: request.height))
            timings.overlaySeconds = (ContinuousClock.now - overlayStart).seconds
        }
        return Snapshot(image: image, camera: camera, cameraName: name, plantName: twin.plant.name, timings: timings,
                        triangles: plantScene.scene.triangleCount, itemNames: plantScene.scene.items.map(\.name),
                        items: frame.items, stateTime: states.time)
    }

    /// The PNG text chunks: plant, camera, time, software. The time is the moment of the twin's
    /// state that the image shows, so that the same state makes the same file; without a state
    /// time it is the moment the image was made.
    public func textChunks(version: String, now: Date = Date()) -> [(key: String, value: String)] {
        let time: (key: String, value: String) = stateTime.map { ("Time", $0) }
            ?? ("Creation Time", ISO8601DateFormatter().string(from: now))
        return [("Title", plantName), ("Camera", cameraDescription), time, ("Software", "FactoryTwin \(version)")]
    }

    var cameraDescription: String {
        let e = camera.eye, t = camera.target
        let projection: String
        switch camera.projection {
        case .perspective(let fov): projection = "fov \(fov) deg"
        case .orthographic(let h): projection = "ortho \(h) m"
        }
        return "\(cameraName): eye \(e.x),\(e.y),\(e.z) target \(t.x),\(t.y),\(t.z) \(projection)"
    }

    /// The id pass's legend: each item's color as #rrggbb mapped to its node path, sorted by color.
    public var legendJSON: JSONValue {
        var legend: [(color: String, name: String)] = []
        for (i, name) in itemNames.enumerated() {
            let c = ColorSpace.idColor(i)
            legend.append((String(format: "#%02x%02x%02x", c.x, c.y, c.z), name))
        }
        legend.sort { $0.color < $1.color }
        return .object(JSONObject(legend.map { .init(key: $0.color, value: .string($0.name)) }))
    }
}
