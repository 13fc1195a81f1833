import Foundation
import Testing
import TwinGeometry
@testable import TwinRender

@Suite("The rasterizer")
struct RasterizerTests {
    /// A fan of triangles around a center, with shared edges that are horizontal, vertical and
    /// diagonal, and corners exactly on pixel centers: every pixel of the fan's square is covered
    /// exactly once (no gaps, no double coverage), every pixel outside not at all.
    @Test(arguments: [SIMD2<Double>(20.5, 20.5), SIMD2(20, 20), SIMD2(17.3, 23.9)])
    func aFanOfSharedEdgesCoversEachPixelOnce(center: SIMD2<Double>) throws {
        let w = 40, h = 40
        let ring: [SIMD2<Double>] = [SIMD2(4.5, 4.5), SIMD2(20.5, 4.5), SIMD2(36.5, 4.5), SIMD2(36.5, 20.5),
                                     SIMD2(36.5, 36.5), SIMD2(20.5, 36.5), SIMD2(4.5, 36.5), SIMD2(4.5, 20.5)]
        let triangles = ring.indices.map { [center, ring[$0], ring[($0 + 1) % ring.count]] }
        let counts = try RasterTestScenes.coverageCounts(triangles: triangles, width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let cx = Double(x) + 0.5, cy = Double(y) + 0.5
                // The square runs from 4.5 to 36.5: centers on its left and bottom edges belong to it
                // (OpenGL's top-left rule, whose y runs up).
                let inside = cx >= 4.5 && cx < 36.5 && cy > 4.5 && cy <= 36.5
                #expect(counts[y * w + x] == (inside ? 1 : 0), "pixel (\(x), \(y))")
            }
        }
    }

    /// OpenGL's window coordinates have y up, and its top-left rule gives a center on an edge to
    /// the triangle whose left or top edge it is; in image rows (y down) that is its left or
    /// bottom edge. Measured with Mesa's llvmpipe: two quads sharing a horizontal edge on a row of
    /// centers give the row to the upper one, sharing a vertical edge on a column to the right one.
    @Test func centersOnEdgesGoWhereOpenGLPutsThem() throws {
        // A rectangle from pixel corner to pixel center: x 2.5 ... 6.5, y 3.5 ... 5.5.
        let rect = [SIMD2(2.5, 3.5), SIMD2(6.5, 3.5), SIMD2(6.5, 5.5), SIMD2(2.5, 5.5)]
        let counts = try RasterTestScenes.coverageCounts(triangles: [[rect[0], rect[1], rect[2]], [rect[0], rect[2], rect[3]]],
                                                         width: 10, height: 10)
        let covered = counts.enumerated().filter { $0.element > 0 }.map { ($0.offset % 10, $0.offset / 10) }
        // Centers x = 2.5 ... 5.5 (the left edge in, the right edge out), y = 4.5 and 5.5 (the
        // top edge out, the bottom edge in).
        #expect(covered.map(\.0).min() == 2 && covered.map(\.0).max() == 5)
        #expect(covered.map(\.1).min() == 4 && covered.map(\.1).max() == 5)
        #expect(covered.count == 8)
        #expect(counts.allSatisfy { $0 <= 1 })
    }

    /// The llvmpipe measurement itself (an id pass of two quads, 64 x 64): a shared horizontal edge
    /// on the centers of row 32 gives that row to the quad above; a shared vertical edge on the
    /// centers of column 32 gives the column to the quad on the right.
    @Test func sharedEdgesOnCentersGoToTheQuadAboveAndToTheRight() throws {
        func quads(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> RenderScene {
            var scene = RenderScene()
            for (name, q) in [("A", a), ("B", b)] {
                let mesh = TriangleMesh(positions: q.map { RasterTestScenes.world($0, height: 64) },
                                        normals: Array(repeating: SIMD3(0, 0, 1), count: 4), indices: [0, 1, 2, 0, 2, 3])
                scene.append(mesh, transform: .identity, name: name, color: SIMD4(1, 0, 0, 1))
            }
            return scene
        }
        let camera = RasterTestScenes.pixelCamera(width: 64, height: 64)
        let settings = RenderSettings(width: 64, height: 64, samples: 1, mode: .id, threads: 2)
        // Above (rows 22 ... 31.5) and below (32.5 ... 41) of the edge at y = 32.5.
        let horizontal = try Rasterizer.render(quads([SIMD2(22, 22), SIMD2(42.3, 22), SIMD2(42.3, 32.5), SIMD2(22, 32.5)],
                                                     [SIMD2(22, 32.5), SIMD2(42.3, 32.5), SIMD2(42.3, 42), SIMD2(22, 42)]),
                                               camera: camera, settings: settings)
        for x in 22..<42 {
            #expect(horizontal.items[32 * 64 + x] == horizontal.items[31 * 64 + x], "row 32, column \(x): not the upper quad's")
            #expect(horizontal.items[32 * 64 + x] != horizontal.items[33 * 64 + x])
        }
        let vertical = try Rasterizer.render(quads([SIMD2(22, 21.7), SIMD2(32.5, 21.7), SIMD2(32.5, 42.2), SIMD2(22, 42.2)],
                                                   [SIMD2(32.5, 21.7), SIMD2(42, 21.7), SIMD2(42, 42.2), SIMD2(32.5, 42.2)]),
                                             camera: camera, settings: settings)
        for y in 22..<42 {
            #expect(vertical.items[y * 64 + 32] == vertical.items[y * 64 + 33], "column 32, row \(y): not the right quad's")
            #expect(vertical.items[y * 64 + 32] != vertical.items[y * 64 + 31])
        }
    }

    @Test func theNearerSurfaceWinsWhateverTheDrawOrder() throws {
        let w = 32, h = 32
        let a = [SIMD2<Double>(2, 2), SIMD2(24, 2), SIMD2(2, 24)]
        let b = [SIMD2<Double>(8, 8), SIMD2(30, 8), SIMD2(8, 30)]
        let camera = RasterTestScenes.pixelCamera(width: w, height: h)
        let settings = RenderSettings(width: w, height: h, samples: 1, mode: .id, threads: 2)
        for (depths, nearer) in [([0.0, 1.0], 1), ([1.0, 0.0], 0)] as [([Double], UInt32)] {
            let frame = try Rasterizer.render(RasterTestScenes.scene(triangles: [a, b], height: h, depths: depths),
                                              camera: camera, settings: settings)
            // Pixel (10, 10) lies in both: the one with the larger z (nearer the eye at z = 10) wins.
            #expect(frame.items[10 * w + 10] == nearer)
        }
    }

    @Test func trianglesCrossingTheNearPlaneAreClippedNotLost() throws {
        // A floor quad that reaches behind the camera: below the horizon every pixel shows it.
        var scene = RenderScene()
        var floor = MeshBuilder()
        floor.addPolygon([SIMD3(-500, 0, 500), SIMD3(500, 0, 500), SIMD3(500, 0, -500), SIMD3(-500, 0, -500)])
        scene.append(floor.mesh, transform: .identity, name: "floor", color: SIMD4(0.5, 0.5, 0.5, 1))
        let camera = Camera(eye: SIMD3(0, 2, 0), target: SIMD3(0, 2, -10), projection: .perspective(fovDegrees: 60),
                            near: 0.1, far: 2000)
        let settings = RenderSettings(width: 64, height: 48, samples: 1, mode: .id, threads: 2)
        let frame = try Rasterizer.render(scene, camera: camera, settings: settings)
        for y in 0..<48 {
            let covered = (0..<64).filter { frame.items[y * 64 + $0] != RenderedFrame.background }.count
            // The horizon of a level camera is the middle row; the far plane cuts a little below it.
            if y >= 26 { #expect(covered == 64, "row \(y)") }
            if y < 24 { #expect(covered == 0, "row \(y)") }
        }
    }

    @Test func multisamplingResolvesEdgeCoverageInLinearLight() throws {
        // A vertical edge through the middle of pixel column 10 (x = 10.5): of the 4x pattern's
        // sample offsets (-2, 6, -6, 2)/16, two lie left of the center and are covered.
        let w = 20, h = 8
        var scene = RasterTestScenes.scene(triangles: [[SIMD2(0, -10), SIMD2(10.5, -10), SIMD2(10.5, 30)],
                                                       [SIMD2(0, -10), SIMD2(10.5, 30), SIMD2(0, 30)]], height: h)
        scene.items[0].color = SIMD4(1, 1, 1, 1); scene.items[1].color = SIMD4(1, 1, 1, 1)
        var settings = RenderSettings(width: w, height: h, samples: 4, mode: .shaded, background: SIMD4(0, 0, 0, 1), threads: 2)
        settings.lighting.ambient = 1; settings.lighting.hemisphere = 0; settings.lighting.sun = 0
        let frame = try Rasterizer.render(scene, camera: RasterTestScenes.pixelCamera(width: w, height: h), settings: settings)
        #expect(frame.image[5, 4] == SIMD4(255, 255, 255, 255))
        #expect(frame.image[15, 4] == SIMD4(0, 0, 0, 255))
        // Half the samples white in linear light is 0.5 linear: sRGB code 188.
        #expect(frame.image[10, 4].x == ColorSpace.encode(0.5))
        #expect(ColorSpace.encode(0.5) == 188)
    }

    @Test func theIdPassCountsPixelsExactly() throws {
        // Two rectangles whose sides lie on pixel boundaries: 20 x 10 and 15 x 15 pixels.
        let w = 64, h = 48
        func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [[SIMD2<Double>]] {
            [[SIMD2(x0, y0), SIMD2(x1, y0), SIMD2(x1, y1)], [SIMD2(x0, y0), SIMD2(x1, y1), SIMD2(x0, y1)]]
        }
        var scene = RenderScene()
        for (name, triangles) in [("a", rect(5, 5, 25, 15)), ("b", rect(30, 20, 45, 35))] {
            let positions = triangles.flatMap { $0 }.map { RasterTestScenes.world($0, height: h) }
            scene.append(TriangleMesh(positions: positions, normals: Array(repeating: SIMD3(0, 0, 1), count: 6), indices: [0, 1, 2, 3, 4, 5]),
                         transform: .identity, name: name, color: SIMD4(1, 1, 1, 1))
        }
        let frame = try Rasterizer.render(scene, camera: RasterTestScenes.pixelCamera(width: w, height: h),
                                          settings: RenderSettings(width: w, height: h, samples: 4, mode: .id, threads: 2))
        #expect(frame.items.filter { $0 == 0 }.count == 200)
        #expect(frame.items.filter { $0 == 1 }.count == 225)
        #expect(frame.image[10, 10] == ColorSpace.idColor(0))
        #expect(frame.image[0, 0] == SIMD4(0, 0, 0, 0))
    }

    @Test func degenerateAndNonFiniteTrianglesAreSkippedAndCounted() throws {
        var scene = RenderScene()
        let mesh = TriangleMesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(.nan, 1, 0), SIMD3(0, 1, 0), SIMD3(.infinity, 0, 0)],
                                normals: [], indices: [0, 1, 2, 0, 1, 3, 0, 4, 3, 0, 1, 7])
        scene.append(mesh, transform: .identity, name: "m", color: SIMD4(1, 1, 1, 1))
        #expect(scene.triangleCount == 1)
        #expect(scene.skippedTriangles == 3)
        // A zero-area triangle reaches the rasterizer and draws nothing.
        var flat = RenderScene()
        flat.append(TriangleMesh(positions: [SIMD3(0, 0, 0), SIMD3(1, 1, 0), SIMD3(2, 2, 0)], normals: [], indices: [0, 1, 2]),
                    transform: .identity, name: "line", color: SIMD4(1, 1, 1, 1))
        let frame = try Rasterizer.render(flat, camera: RasterTestScenes.pixelCamera(width: 8, height: 8),
                                          settings: RenderSettings(width: 8, height: 8, samples: 1, mode: .id))
        #expect(frame.items.allSatisfy { $0 == RenderedFrame.background })
    }

    @Test func badSizesAndCamerasAreRejectedWithAReason() {
        let scene = RenderScene()
        let camera = RasterTestScenes.pixelCamera(width: 8, height: 8)
        #expect(throws: RenderError.invalidSize(width: 0, height: 10)) {
            try Rasterizer.render(scene, camera: camera, settings: RenderSettings(width: 0, height: 10))
        }
        #expect(throws: RenderError.invalidSize(width: 16385, height: 10)) {
            try Rasterizer.render(scene, camera: camera, settings: RenderSettings(width: 16385, height: 10))
        }
        #expect(throws: RenderError.invalidSamples(3)) {
            try Rasterizer.render(scene, camera: camera, settings: RenderSettings(width: 8, height: 8, samples: 3))
        }
        var nan = camera
        nan.eye.x = .nan
        #expect(throws: RenderError.camera(.notFinite("eye"))) {
            try Rasterizer.render(scene, camera: nan, settings: RenderSettings(width: 8, height: 8))
        }
        var same = camera
        same.target = same.eye
        #expect(throws: RenderError.camera(.eyeAtTarget)) {
            try Rasterizer.render(scene, camera: same, settings: RenderSettings(width: 8, height: 8))
        }
        var parallel = camera
        parallel.up = SIMD3(0, 0, 1)
        #expect(throws: RenderError.camera(.upParallelToView)) {
            try Rasterizer.render(scene, camera: parallel, settings: RenderSettings(width: 8, height: 8))
        }
        #expect(throws: RenderError.camera(.fieldOfView(180))) {
            try Rasterizer.render(scene, camera: Camera(eye: SIMD3(0, 0, 5), target: .zero, projection: .perspective(fovDegrees: 180)),
                                  settings: RenderSettings(width: 8, height: 8))
        }
    }

    @Test func theMatricesMatchOpenGLs() {
        // gluPerspective(90, 1, 1, 3): f = 1, (far + near) / (near - far) = -2, 2 far near / (near - far) = -3.
        let camera = Camera(eye: .zero, target: SIMD3(0, 0, -1), projection: .perspective(fovDegrees: 90), near: 1, far: 3)
        let p = camera.projectionMatrix(aspect: 1)
        #expect(abs(p[0, 0] - 1) < 1e-12 && abs(p[1, 1] - 1) < 1e-12)
        #expect(abs(p[2, 2] + 2) < 1e-12 && abs(p[2, 3] + 3) < 1e-12 && p[3, 2] == -1)
        // A point on the near plane maps to depth -1, on the far plane to +1.
        let near = p * SIMD4(0, 0, -1, 1), far = p * SIMD4(0, 0, -3, 1)
        #expect(abs(near.z / near.w + 1) < 1e-12 && abs(far.z / far.w - 1) < 1e-12)
    }
}

@Suite("Overlay labels")
struct OverlayLabelTests {
    /// Forty labels on one spot of a small image: the first sits beside it, others farther off
    /// with leader lines, none overlaps another, and those without a place are counted, not lost.
    @Test func crowdedLabelsGetLeadersAndTheRestAreCounted() {
        let view = ViewGeometry(camera: RasterTestScenes.pixelCamera(width: 160, height: 90), width: 160, height: 90)
        let anchor = SIMD3<Double>(80, 45, 0)
        let labels = (0..<40).map { Overlay.Label(text: "M-\($0)", anchor: anchor) }
        let (placed, hidden) = OverlayPainter.placeLabels(labels, view: view, scale: 1, top: 0, taken: [])
        #expect(placed.count + hidden == labels.count)
        #expect(placed.count > 4 && hidden > 0, "\(placed.count) placed, \(hidden) hidden")
        #expect(placed.first?.leader == nil)
        #expect(placed.dropFirst(4).allSatisfy { $0.leader != nil })
        for (i, a) in placed.enumerated() {
            for b in placed.dropFirst(i + 1) {
                let apart = a.rect.x + a.rect.w <= b.rect.x || b.rect.x + b.rect.w <= a.rect.x || a.rect.y + a.rect.h <= b.rect.y || b.rect.y + b.rect.h <= a.rect.y
                #expect(apart, "\(a.label.text) overlaps \(b.label.text)")
            }
        }
        // An anchor outside the image is neither placed nor counted as hidden.
        let outside = OverlayPainter.placeLabels([Overlay.Label(text: "far", anchor: SIMD3(500, 45, 0))], view: view, scale: 1, top: 0, taken: [])
        #expect(outside.placed.isEmpty && outside.hidden == 0)
    }

    /// A label on a part it must not cover (a violation's offending part, 40 x 30 px) goes beside
    /// it with a leader line; a part larger than an eighth of the view is not held clear.
    @Test func labelsKeepOffTheirParts() {
        let view = ViewGeometry(camera: RasterTestScenes.pixelCamera(width: 320, height: 180), width: 320, height: 180)
        let part: [SIMD3<Double>] = [SIMD3(140, 75, 0), SIMD3(180, 75, 0), SIMD3(180, 105, 0), SIMD3(140, 105, 0)]
        let rects = OverlayPainter.uncoveredRects([part], view: view, scale: 1)
        #expect(rects.count == 1)
        let (placed, hidden) = OverlayPainter.placeLabels([Overlay.Label(text: "clearance: M-1", anchor: SIMD3(160, 90, 0))],
                                                          view: view, scale: 1, top: 0, taken: rects)
        let r = try! #require(placed.first?.rect)
        #expect(hidden == 0 && placed.first?.leader != nil)
        let clear = r.x + r.w <= 139 || r.x >= 181 || r.y + r.h <= 74 || r.y >= 106
        #expect(clear, "label at \(r) covers the part")
        let huge: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(300, 0, 0), SIMD3(300, 170, 0), SIMD3(0, 170, 0)]
        #expect(OverlayPainter.uncoveredRects([huge], view: view, scale: 1).isEmpty)
    }
}

@Suite("Scale bar and north arrow")
struct ScaleAndNorthTests {
    /// Straight down at the floor, orthographic, 360 pixels for 36 m: 10 px a metre, a 10 m bar
    /// (the first round length of 60 px or more), north up the image; turned by 90 degrees, north
    /// points left; a perspective view from the side has neither.
    @Test func aPlanViewGetsARoundBarAndNorth() throws {
        let plan = Camera(eye: SIMD3(50, 30, -20), target: SIMD3(50, 0, -20), up: SIMD3(0, 0, -1), projection: .orthographic(height: 36), near: 1, far: 100)
        let marks = try #require(OverlayPainter.scaleAndNorth(view: ViewGeometry(camera: plan, width: 640, height: 360), floor: 0))
        #expect(abs(marks.pixelsPerMetre - 10) < 1e-9 && marks.metres == 10)
        #expect(abs(marks.north.x) < 1e-9 && abs(marks.north.y + 1) < 1e-9, "\(marks.north)")
        let turned = Camera(eye: SIMD3(50, 30, -20), target: SIMD3(50, 0, -20), up: SIMD3(1, 0, 0), projection: .orthographic(height: 360), near: 1, far: 100)
        let wide = try #require(OverlayPainter.scaleAndNorth(view: ViewGeometry(camera: turned, width: 640, height: 360), floor: 0))
        #expect(wide.metres == 100 && abs(wide.north.x + 1) < 1e-9, "\(wide)")
        let side = Camera(eye: SIMD3(80, 30, 40), target: SIMD3(50, 0, -20), projection: .perspective(fovDegrees: 40), near: 0.1, far: 500)
        #expect(OverlayPainter.scaleAndNorth(view: ViewGeometry(camera: side, width: 640, height: 360), floor: 0) == nil)
    }
}

@Suite("Where the legend goes")
struct LegendPlacementTests {
    /// A 200 x 100 image, flat grey, with a checkerboard (busy) in its bottom-left corner.
    static func image(busyBottomLeft: Bool) -> Image {
        var image = Image(width: 200, height: 100, fill: SIMD4(128, 128, 128, 255))
        if busyBottomLeft {
            for y in 50..<100 { for x in 0..<80 where (x + y) % 2 == 0 {
                for c in 0..<3 { image.pixels[4 * (y * 200 + x) + c] = 255 }
            } }
        }
        return image
    }

    @Test func theLegendAvoidsDetailWhatIsLabelledAndWhatIsTaken() {
        let size = [(w: 40, h: 30)]
        // Nothing anywhere: bottom left, where a legend is looked for first.
        let plain = OverlayPainter.emptiestPlace(sizes: size, in: Self.image(busyBottomLeft: false), depth: [], top: 0, margin: 2, avoiding: [])
        #expect(plain.rect.x == 2 && plain.rect.y == 68)
        // Busy bottom left: elsewhere, and nowhere over the busy patch.
        let busy = OverlayPainter.emptiestPlace(sizes: size, in: Self.image(busyBottomLeft: true), depth: [], top: 0, margin: 2, avoiding: [])
        #expect(!(busy.rect.x < 80 && busy.rect.y + busy.rect.h > 50), "\(busy.rect)")
        // The plant (finite depth) costs more than background: a plant on the left half sends it right.
        let depth = (0..<(200 * 100)).map { $0 % 200 < 100 ? Float(1) : Float.infinity }
        let background = OverlayPainter.emptiestPlace(sizes: size, in: Self.image(busyBottomLeft: false), depth: depth, top: 0, margin: 2, avoiding: [])
        #expect(background.rect.x >= 100, "\(background.rect)")
        // A labelled point keeps it off; a taken rectangle (the scale bar) too.
        let labelled = OverlayPainter.emptiestPlace(sizes: size, in: Self.image(busyBottomLeft: false), depth: [], top: 0, margin: 2,
                                                    avoiding: [(150, 60, 50, 40)], keepingClear: [SIMD2(10, 80)])
        let r = labelled.rect
        #expect(!(r.x <= 10 && 10 < r.x + r.w && r.y <= 80 && 80 < r.y + r.h), "\(r)")
        #expect(r.x + r.w <= 150 || r.y + r.h <= 60, "\(r)")
        // Below a title bar, never over it.
        let titled = OverlayPainter.emptiestPlace(sizes: size, in: Self.image(busyBottomLeft: true), depth: [], top: 20, margin: 2, avoiding: [])
        #expect(titled.rect.y >= 22)
    }

    /// Of several shapes, the one that fits where the picture is empty: a wide, low strip when
    /// only a band along the bottom is empty.
    @Test func aShapeIsChosenToFitTheEmptyBand() {
        var image = Image(width: 200, height: 100, fill: SIMD4(128, 128, 128, 255))
        for y in 0..<80 { for x in 0..<200 where (x + y) % 2 == 0 { image.pixels[4 * (y * 200 + x)] = 255 } }
        let place = OverlayPainter.emptiestPlace(sizes: [(w: 40, h: 60), (w: 120, h: 16)], in: image, depth: [], top: 0, margin: 2, avoiding: [])
        #expect(place.shape == 1 && place.rect.y >= 80, "\(place)")
    }
}
