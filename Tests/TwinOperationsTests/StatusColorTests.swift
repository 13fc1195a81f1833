import Testing
import TwinGeometry
import TwinLayout
import TwinRender
import TwinState
import TwinTestSupport
@testable import TwinOperations

/// A machine's status reads from the picture alone: a fault is red, a running machine green, a
/// machine without a status neutral grey (not its model's color), each shaded by the light.
@Suite("Status colors on rendered pixels")
struct StatusColorTests {
    /// The mean sRGB color of the pixels that show `entity` (0...1), and how many there are.
    static func color(of entity: String, in snapshot: Snapshot, plant: Plant) throws -> (SIMD3<Double>, Int) {
        let node = try #require(plant.entity(id: entity)?.node)
        let path = plant.nodes[node].path
        let mine = Set(snapshot.itemNames.indices.filter { let n = snapshot.itemNames[$0]; return n == path || n.hasPrefix(path + "/") || n.hasPrefix(path + "#") })
        var sum = SIMD3<Double>.zero, count = 0
        for (i, item) in snapshot.items.enumerated() where item != RenderedFrame.background && mine.contains(Int(item)) {
            let px = snapshot.image.pixels
            let r = Double(px[4 * i]) / 255, g = Double(px[4 * i + 1]) / 255, b = Double(px[4 * i + 2]) / 255
            sum += SIMD3<Double>(r, g, b)
            count += 1
        }
        return (count > 0 ? sum / Double(count) : sum, count)
    }

    static func saturation(_ c: SIMD3<Double>) -> Double { (c.max() - c.min()) / max(c.max(), 1e-9) }

    @Test func aFaultIsRedARunningMachineGreenAndOneWithoutAStatusNeutral() throws {
        let plant = Demo.plant
        let twin = Twin(plant: plant)
        let states = EntityStates(statuses: ["M-001": .fault, "M-002": .running, "M-005": .idle])
        let request = SnapshotRequest(camera: .named("plan"), width: 960, height: 540, samples: 1, states: states, overlays: false)
        let snapshot = try twin.render(request)
        let (fault, nf) = try Self.color(of: "M-001", in: snapshot, plant: plant)
        let (running, nr) = try Self.color(of: "M-002", in: snapshot, plant: plant)
        let (idle, ni) = try Self.color(of: "M-005", in: snapshot, plant: plant)
        let (none, nn) = try Self.color(of: "M-003", in: snapshot, plant: plant)
        #expect(nf > 50 && nr > 50 && ni > 50 && nn > 50, "pixels: \(nf) \(nr) \(ni) \(nn)")
        // Red well above green and blue; green above red and blue; teal: green and blue above red.
        #expect(fault.x > 2 * fault.y && fault.x > 2 * fault.z, "fault \(fault)")
        #expect(running.y > 1.5 * running.x && running.y > 1.5 * running.z, "running \(running)")
        #expect(idle.y > 1.5 * idle.x && idle.z > 1.5 * idle.x, "idle \(idle)")
        // Without a status: no hue to speak of, and not the model's own colors.
        #expect(Self.saturation(none) < 0.12, "no status \(none), saturation \(Self.saturation(none))")
        // The same machine without any state shown keeps its model colors (saturated, here).
        let plain = try twin.render(SnapshotRequest(camera: .named("plan"), width: 960, height: 540, samples: 1,
                                                    states: EntityStates(), overlays: false))
        let (model, _) = try Self.color(of: "M-003", in: plain, plant: plant)
        #expect(Self.saturation(model) > Self.saturation(none) + 0.1, "model \(model) vs neutral \(none)")
    }

    /// A machine whose gateway went offline is drawn as "no data" (a greyed violet, in the
    /// legend), not in the green of its last status; a running one beside it stays green.
    @Test func anOfflineMachineShowsNoDataNotItsLastStatus() throws {
        var state = PlantState(plant: Demo.plant)
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-001","set":{"status":"running"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:00:00Z","entity":"M-002","set":{"status":"running"}}"#))
        try state.apply(try UpdateParser.parse(line: #"{"t":"2026-05-04T06:05:00Z","entity":"M-001","set":{"connection":"OFFLINE"}}"#))
        let twin = Twin(plant: Demo.plant, state: state)
        let snapshot = try twin.render(SnapshotRequest(camera: .named("plan"), width: 960, height: 540, samples: 1, overlays: false))
        let (offline, n1) = try Self.color(of: "M-001", in: snapshot, plant: Demo.plant)
        let (running, n2) = try Self.color(of: "M-002", in: snapshot, plant: Demo.plant)
        #expect(n1 > 50 && n2 > 50)
        #expect(running.y > 1.5 * running.x && running.y > 1.5 * running.z, "running \(running)")
        // Violet-grey: blue above red above green, and no green cast.
        #expect(offline.z > offline.x && offline.x > offline.y && offline.y < running.y, "offline \(offline)")
        let states = EntityStates(state)
        #expect(states.noData == ["M-001"] && states.statuses["M-001"] == nil && states.statuses["M-002"] == .running)
        let overlay = PlantOverlay.make(plant: Demo.plant, states: states, statusColors: [:], cameraName: "plan")
        #expect(overlay.legend.contains { $0.text == "no data" })
    }

    /// No zone, the network or a label plate shares a hue with a status.
    @Test func overlaysUseHuesNoStatusHas() {
        func hue(_ c: SIMD3<Float>) -> Double {
            let r = Double(c.x), g = Double(c.y), b = Double(c.z)
            let mx = max(r, g, b), mn = min(r, g, b)
            guard mx - mn > 0.15 else { return -1 }   // achromatic
            var h: Double
            if mx == r { h = (g - b) / (mx - mn) } else if mx == g { h = 2 + (b - r) / (mx - mn) } else { h = 4 + (r - g) / (mx - mn) }
            h *= 60
            return h < 0 ? h + 360 : h
        }
        let statusHues = MachineStatus.allCases.map { hue($0.defaultColor) }.filter { $0 >= 0 }
        // "No data" is chromatic enough to tell from grey, and far from every status hue.
        let noData = hue(MachineStatus.noDataColor)
        #expect(noData >= 0)
        for s in statusHues { #expect(min(abs(noData - s), 360 - abs(noData - s)) > 25, "no data hue \(noData) near \(s)") }
        var overlays: [SIMD3<Float>] = Zone.Kind.allCases.map { let f = PlantOverlay.colors(for: $0).0; return SIMD3(f.x, f.y, f.z) }
        overlays.append(SIMD3(PlantOverlay.networkColor.x, PlantOverlay.networkColor.y, PlantOverlay.networkColor.z))
        for c in overlays {
            let h = hue(c)
            guard h >= 0 else { continue }
            for s in statusHues {
                let d = min(abs(h - s), 360 - abs(h - s))
                #expect(d > 25, "overlay \(c) (hue \(h)) is within 25 degrees of a status hue \(s)")
            }
        }
    }
}

/// The demo's keep-out zone lies behind the hall's east wall in the iso view: it must still be
/// seen there (hatched, with a dashed outline), not only as a faint line.
@Suite("Keep-out zones from every camera")
struct KeepOutVisibilityTests {
    @Test func aKeepOutZoneBehindAWallIsStillDrawn() throws {
        let plant = Demo.plant
        let twin = Twin(plant: plant)
        let zone = try #require(plant.zones.first { $0.kind == .keepOut })
        func render(_ overlays: Bool) throws -> Snapshot {
            try twin.render(SnapshotRequest(camera: .named("iso"), width: 960, height: 540, samples: 1, states: EntityStates(), overlays: overlays))
        }
        let with = try render(true), without = try render(false)
        let view = ViewGeometry(camera: with.camera, width: 960, height: 540)
        let outline = zone.polygon.compactMap { view.pixel(FloorFrame.scenePoint(x: $0.x, y: $0.y, z: 0.01)) }
        #expect(outline.count == zone.polygon.count)
        // Pixels inside the zone's outline (bounding box, then a point-in-polygon test).
        var inside = 0, magenta = 0, hidden = 0
        let xs: [Double] = outline.map { $0.x }, ys: [Double] = outline.map { $0.y }
        for y in max(0, Int(ys.min()!))..<min(540, Int(ys.max()!) + 1) {
            for x in max(0, Int(xs.min()!))..<min(960, Int(xs.max()!) + 1) {
                let p = SIMD2(Double(x) + 0.5, Double(y) + 0.5)
                var odd = false
                for k in outline.indices {
                    let a: SIMD2<Double> = outline[k], b: SIMD2<Double> = outline[(k + 1) % outline.count]
                    guard (a.y > p.y) != (b.y > p.y) else { continue }
                    let crossing: Double = a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y)
                    if p.x < crossing { odd.toggle() }
                }
                guard odd else { continue }
                inside += 1
                let i = 4 * (y * 960 + x)
                // Hidden: the picture there is not the floor (something stands in front of it).
                let item = Int(without.items[y * 960 + x])
                if without.itemNames.indices.contains(item), !without.itemNames[item].lowercased().contains("floor") { hidden += 1 }
                let px = with.image.pixels, px0 = without.image.pixels
                let redOverGreen = Int(px[i]) - Int(px[i + 1]), blueOverGreen = Int(px[i + 2]) - Int(px[i + 1])
                let redOverGreen0 = Int(px0[i]) - Int(px0[i + 1]), blueOverGreen0 = Int(px0[i + 2]) - Int(px0[i + 1])
                // Pulled towards magenta: red and blue up relative to green.
                if redOverGreen - redOverGreen0 > 20 && blueOverGreen - blueOverGreen0 > 10 { magenta += 1 }
            }
        }
        #expect(inside > 500, "the zone covers \(inside) pixels")
        #expect(hidden > inside / 2, "most of the zone is behind the wall in this view: \(hidden) of \(inside)")
        #expect(magenta * 4 > inside, "\(magenta) of \(inside) pixels show the zone")
    }
}
