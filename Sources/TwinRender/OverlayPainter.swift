import Foundation
import TwinGeometry

/// Draws an `Overlay` onto a rendered frame.
public enum OverlayPainter {
    /// The text scale for an image: 1 up to 720 rows, 2 up to 1440, and so on.
    public static func scale(forHeight height: Int) -> Int { max(1, (height + 719) / 720) }

    public static func paint(_ overlay: Overlay, on frame: RenderedFrame, view: ViewGeometry) -> Image {
        var canvas = Canvas(image: frame.image)
        let scale = scale(forHeight: view.height)
        let s = Double(scale)
        let floorVisible = floorVisibility(frame: frame, view: view, height: overlay.floorHeight)
        let visibleAt: (Int, Int) -> Bool = { x, y in floorVisible[y * view.width + x] }

        for area in overlay.areas {
            let outline = view.project(polygon: area.polygon)
            if area.throughWalls {
                // Hidden parts hatched (diagonal stripes) with a dashed outline.
                let period = 8 * scale, stripe = 3 * scale, dash = 5 * scale
                canvas.fillPolygon(outline, color: area.fill) { x, y in
                    floorVisible[y * view.width + x] || (x + y) % period < stripe
                }
                for (a, b) in zip(outline, outline.dropFirst() + outline.prefix(1)) {
                    canvas.drawLine(from: a, to: b, width: s, color: area.stroke) { x, y in
                        floorVisible[y * view.width + x] || (x + y) % (2 * dash) < dash ? 1 : 0
                    }
                }
            } else {
                canvas.fillPolygon(outline, color: area.fill, visible: visibleAt)
                for (a, b) in zip(outline, outline.dropFirst() + outline.prefix(1)) {
                    canvas.drawLine(from: a, to: b, width: s, color: area.stroke) { x, y in floorVisible[y * view.width + x] ? 1 : 0.25 }
                }
            }
        }
        for path in overlay.paths {
            for piece in view.project(polyline: path.points) {
                for (a, b) in zip(piece, piece.dropFirst()) {
                    canvas.drawLine(from: a, to: b, width: path.width * s, color: path.color) { x, y in
                        floorVisible[y * view.width + x] ? 1 : 0.3
                    }
                }
                if path.arrowForward { drawArrow(on: &canvas, along: piece, forward: true, size: 5 * s, color: path.color) }
                if path.arrowBackward { drawArrow(on: &canvas, along: piece, forward: false, size: 5 * s, color: path.color) }
            }
        }
        for marker in overlay.markers {
            guard let p = view.pixel(marker.position) else { continue }
            canvas.drawDisc(center: p, radius: marker.radius * s, fill: marker.fill, ring: marker.ring, ringWidth: s)
        }

        let titleHeight = overlay.title == nil ? 0 : (BitmapFont.lineHeight + 6) * scale
        var taken: [(x: Int, y: Int, w: Int, h: Int)] = []
        let marks = overlay.scaleAndNorth ? scaleAndNorth(view: view, floor: overlay.floorHeight) : nil
        if let marks {
            // The scale bar and north arrow's corner, bottom right (as drawn below).
            let w = Int(marks.metres * marks.pixelsPerMetre) + 30 * scale, h = (60 + BitmapFont.lineHeight) * scale
            taken.append((view.width - w, view.height - h, w, h))
        }
        // What labels and the legend must not cover.
        taken += uncoveredRects(overlay.uncovered, view: view, scale: scale)
        var legendBox: (x: Int, y: Int, w: Int, h: Int)?
        var legendColumns = 1
        if !overlay.legend.isEmpty {
            // One to four columns, wherever the box hides least of the picture and of what is labelled.
            let shapes = (1...min(4, overlay.legend.count)).map { legendSize(overlay.legend, scale: scale, columns: $0) }
            let anchors = overlay.labels.compactMap { view.pixel($0.anchor) }
            let place = emptiestPlace(sizes: shapes.map { ($0.w, $0.h) }, in: canvas.image, depth: frame.viewDepth,
                                      top: titleHeight, margin: 4 * scale, avoiding: taken, keepingClear: anchors)
            legendBox = place.rect
            legendColumns = place.shape + 1
            taken.append(place.rect)
        }
        let placement = placeLabels(overlay.labels, view: view, scale: scale, top: titleHeight, taken: taken)
        for placed in placement.placed {
            let label = placed.label, r = placed.rect
            if let anchor = placed.leader {
                // From the anchor to the nearest point of the plate.
                let nearest = SIMD2(min(max(anchor.x, Double(r.x)), Double(r.x + r.w)), min(max(anchor.y, Double(r.y)), Double(r.y + r.h)))
                canvas.drawLine(from: anchor, to: nearest, width: Double(scale), color: SIMD4(label.plate.x, label.plate.y, label.plate.z, 0.9))
                canvas.drawDisc(center: anchor, radius: 1.5 * Double(scale), fill: SIMD4(label.plate.x, label.plate.y, label.plate.z, 1))
            }
            canvas.fillRect(x: r.x, y: r.y, width: r.w, height: r.h, color: label.plate)
            canvas.drawText(label.text, x: r.x + 2 * scale, y: r.y + 2 * scale, scale: scale, color: label.textColor)
        }
        if placement.hidden > 0 {
            // Said, not dropped silently: how many labels found no free place.
            let text = "+\(placement.hidden) label\(placement.hidden == 1 ? "" : "s") hidden"
            let w = BitmapFont.width(of: text, scale: scale) + 4 * scale, h = BitmapFont.glyphHeight * scale + 3 * scale
            let x = view.width - w - 4 * scale, y = titleHeight + 4 * scale
            canvas.fillRect(x: x, y: y, width: w, height: h, color: SIMD4(0.1, 0.12, 0.15, 0.85))
            canvas.drawText(text, x: x + 2 * scale, y: y + 2 * scale, scale: scale, color: SIMD4(1, 1, 1, 1))
        }
        if let box = legendBox {
            canvas.fillRect(x: box.x, y: box.y, width: box.w, height: box.h, color: SIMD4(1, 1, 1, 0.85))
            let layout = legendSize(overlay.legend, scale: scale, columns: legendColumns)
            for (k, entry) in overlay.legend.enumerated() {
                // Row by row, so that the states keep their order left to right.
                let x = box.x + (k % legendColumns) * layout.columnWidth
                let y = box.y + 4 * scale + (k / legendColumns) * (BitmapFont.lineHeight + 2) * scale
                canvas.fillRect(x: x + 4 * scale, y: y, width: 8 * scale, height: 8 * scale, color: SIMD4(0.1, 0.1, 0.1, 1))
                canvas.fillRect(x: x + 5 * scale, y: y + scale, width: 6 * scale, height: 6 * scale, color: entry.color)
                canvas.drawText(entry.text, x: x + 16 * scale, y: y, scale: scale, color: SIMD4(0.1, 0.1, 0.12, 1))
            }
        }
        if let marks {
            let s = Double(scale)
            let ink = SIMD4<Float>(0.1, 0.1, 0.12, 1)
            // The bar, bottom right, with its length written above it.
            let length = marks.metres * marks.pixelsPerMetre
            let right = Double(view.width) - 12 * s, bottom = Double(view.height) - 10 * s
            let text = marks.metres >= 1 ? "\(Int(marks.metres)) m" : String(format: "%.1f m", marks.metres)
            let textWidth = Double(BitmapFont.width(of: text, scale: scale))
            canvas.fillRect(x: Int(right - length - 4 * s), y: Int(bottom - Double(BitmapFont.lineHeight * scale) - 8 * s),
                            width: Int(max(length, textWidth) + 8 * s), height: Int(Double(BitmapFont.lineHeight * scale) + 12 * s),
                            color: SIMD4(1, 1, 1, 0.8))
            canvas.drawLine(from: SIMD2(right - length, bottom), to: SIMD2(right, bottom), width: 2 * s, color: ink)
            for x in [right - length, right - length / 2, right] {
                canvas.drawLine(from: SIMD2(x, bottom - 4 * s), to: SIMD2(x, bottom), width: s, color: ink)
            }
            canvas.drawText(text, x: Int(right - length), y: Int(bottom - Double(BitmapFont.lineHeight * scale) - 4 * s), scale: scale, color: ink)
            // The north arrow, above the bar.
            let centre = SIMD2(right - 10 * s, bottom - Double(BitmapFont.lineHeight * scale) - 34 * s)
            let u = marks.north, n = SIMD2(-u.y, u.x)
            canvas.drawDisc(center: centre, radius: 13 * s, fill: SIMD4(1, 1, 1, 0.8))
            canvas.fillPolygon([centre + u * 10 * s, centre - u * 6 * s + n * 5 * s, centre - u * 2 * s, centre - u * 6 * s - n * 5 * s], color: ink)
            canvas.drawText("N", x: Int(centre.x + u.x * 15 * s) - 2 * scale, y: Int(centre.y + u.y * 15 * s) - 3 * scale, scale: scale, color: ink)
        }
        if let title = overlay.title {
            canvas.fillRect(x: 0, y: 0, width: view.width, height: titleHeight, color: SIMD4(0.09, 0.11, 0.14, 0.88))
            canvas.drawText(title, x: 4 * scale, y: 3 * scale, scale: scale, color: SIMD4(1, 1, 1, 1))
        }
        return canvas.image
    }

    /// For a view straight down at the floor: a round length for the scale bar (1, 2 or 5 times a
    /// power of ten metres, 60 to 150 pixels long), the pixels per metre, and the unit direction of
    /// north (the floor's +y, the scene's -Z) in image pixels. Nil when the camera does not look
    /// down (north would change across the image).
    static func scaleAndNorth(view: ViewGeometry, floor: Double) -> (metres: Double, pixelsPerMetre: Double, north: SIMD2<Double>)? {
        let camera = view.camera
        let centre = SIMD3(camera.target.x, floor, camera.target.z)
        guard let p = view.pixel(centre), let east = view.pixel(centre + SIMD3(1, 0, 0)), let north = view.pixel(centre + SIMD3(0, 0, -1)) else { return nil }
        let toEast = east - p, toNorth = north - p
        let perMetre = (toEast * toEast).sum().squareRoot(), northLength = (toNorth * toNorth).sum().squareRoot()
        // Straight down: a metre is as long east as north, and the two are square to each other.
        guard perMetre > 1e-9, abs(perMetre - northLength) < 1e-6 * perMetre, abs((toEast * toNorth).sum()) < 1e-6 * perMetre * perMetre else { return nil }
        var metres = 1.0
        var k = -3.0
        search: while k < 7 {
            for m in [1.0, 2.0, 5.0] {
                let candidate = m * pow(10, k)
                if candidate * perMetre >= 60 { metres = candidate; break search }
            }
            k += 1
        }
        return (metres, perMetre, toNorth / northLength)
    }

    /// The screen boxes (a pixel wider all round) of floor polygons that labels keep off, for
    /// those no larger than an eighth of the view and at least partly in it.
    static func uncoveredRects(_ polygons: [[SIMD3<Double>]], view: ViewGeometry, scale: Int) -> [(x: Int, y: Int, w: Int, h: Int)] {
        var rects: [(x: Int, y: Int, w: Int, h: Int)] = []
        for polygon in polygons {
            let pixels = polygon.compactMap { view.pixel($0) }
            guard pixels.count == polygon.count, let first = pixels.first else { continue }
            let lo = pixels.reduce(first) { pointwiseMin($0, $1) }, hi = pixels.reduce(first) { pointwiseMax($0, $1) }
            let w = hi.x - lo.x, h = hi.y - lo.y
            guard w * h <= Double(view.width * view.height) / 8, hi.x >= 0, hi.y >= 0, lo.x < Double(view.width), lo.y < Double(view.height) else { continue }
            rects.append((Int(lo.x.rounded(.down)) - scale, Int(lo.y.rounded(.down)) - scale, Int(w.rounded(.up)) + 2 * scale, Int(h.rounded(.up)) + 2 * scale))
        }
        return rects
    }

    /// Where each label goes, in order of priority: beside its anchor if there is room there, else
    /// farther off (up to eight plate heights) with a leader line back to it; `hidden` counts the
    /// labels whose anchor is in the image but that found no free place.
    static func placeLabels(_ labels: [Overlay.Label], view: ViewGeometry, scale: Int, top: Int,
                            taken initial: [(x: Int, y: Int, w: Int, h: Int)])
        -> (placed: [(label: Overlay.Label, rect: (x: Int, y: Int, w: Int, h: Int), leader: SIMD2<Double>?)], hidden: Int) {
        var taken = initial
        var placed: [(label: Overlay.Label, rect: (x: Int, y: Int, w: Int, h: Int), leader: SIMD2<Double>?)] = []
        var hidden = 0
        for label in labels.enumerated().sorted(by: { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }).map(\.element) {
            guard let p = view.pixel(label.anchor), abs(p.x) < 1e8, abs(p.y) < 1e8 else { continue }
            let w = BitmapFont.width(of: label.text, scale: scale) + 4 * scale
            let h = BitmapFont.glyphHeight * scale + 3 * scale
            let gap = 4 * scale
            let px = Int(p.x), py = Int(p.y)
            var candidates = [(px - w / 2, py - h - gap), (px - w / 2, py + gap), (px + gap, py - h / 2), (px - w - gap, py - h / 2)]
            for ring in 1...8 {
                let d = ring * (h + gap)
                candidates += [(px - w / 2, py - h - gap - d), (px - w / 2, py + gap + d), (px + gap + d, py - h / 2), (px - w - gap - d, py - h / 2),
                               (px + gap + d / 2, py - h - gap - d), (px - w - gap - d / 2, py - h - gap - d),
                               (px + gap + d / 2, py + gap + d), (px - w - gap - d / 2, py + gap + d)]
            }
            var done = false
            for (k, (x, y)) in candidates.enumerated() {
                guard x >= 0, y >= top, x + w <= view.width, y + h <= view.height else { continue }
                let free = taken.allSatisfy { x + w + scale <= $0.x || $0.x + $0.w + scale <= x || y + h + scale <= $0.y || $0.y + $0.h + scale <= y }
                guard free else { continue }
                taken.append((x, y, w, h))
                placed.append((label, (x, y, w, h), k < 4 ? nil : p))
                done = true
                break
            }
            if !done && p.x >= 0 && p.y >= Double(top) && p.x < Double(view.width) && p.y < Double(view.height) { hidden += 1 }
        }
        return (placed, hidden)
    }

    /// The legend's box in `columns` columns of equal width.
    private static func legendSize(_ legend: [Overlay.LegendEntry], scale: Int, columns: Int) -> (w: Int, h: Int, columnWidth: Int) {
        let columnWidth = (legend.map { BitmapFont.width(of: $0.text, scale: scale) }.max() ?? 0) + 20 * scale
        let rows = (legend.count + columns - 1) / columns
        return (columnWidth * columns, rows * (BitmapFont.lineHeight + 2) * scale + 6 * scale, columnWidth)
    }

    /// Where a box of one of `sizes` in a corner or the middle of an edge hides the least of the
    /// picture: the place with the least detail under it (luminance steps between neighbouring pixels), where
    /// each pixel that shows the plant (finite `depth`) also counts a little, so that empty
    /// background beats plain floor, and each point of `keepingClear` (what labels point at)
    /// counts as much as a busy patch. Places that overlap `avoiding` or the title bar (`top`
    /// rows) are not taken; on a tie, the first size at bottom left (where a legend is looked for
    /// first), then the corners.
    static func emptiestPlace(sizes: [(w: Int, h: Int)], in image: Image, depth: [Float], top: Int, margin: Int,
                              avoiding: [(x: Int, y: Int, w: Int, h: Int)], keepingClear: [SIMD2<Double>] = [])
        -> (rect: (x: Int, y: Int, w: Int, h: Int), shape: Int) {
        let W = image.width, H = image.height
        precondition(!sizes.isEmpty)
        // Summed-area table of each pixel's detail.
        var sums = [Double](repeating: 0, count: (W + 1) * (H + 1))
        var luminance = [Float](repeating: 0, count: W * H)
        image.pixels.withUnsafeBufferPointer { px in
            luminance.withUnsafeMutableBufferPointer { l in
                for i in 0..<(W * H) {
                    l[i] = 0.2126 * Float(px[4 * i]) + 0.7152 * Float(px[4 * i + 1]) + 0.0722 * Float(px[4 * i + 2])
                }
            }
        }
        luminance.withUnsafeBufferPointer { l in
            sums.withUnsafeMutableBufferPointer { sat in
                let hasDepth = depth.count == W * H
                for y in 0..<H {
                    var row = 0.0
                    for x in 0..<W {
                        let i = y * W + x
                        var detail: Float = 0
                        if x + 1 < W { detail += abs(l[i + 1] - l[i]) }
                        if y + 1 < H { detail += abs(l[i + W] - l[i]) }
                        if hasDepth && depth[i].isFinite { detail += 2 }
                        row += Double(detail)
                        sat[(y + 1) * (W + 1) + x + 1] = sat[y * (W + 1) + x + 1] + row
                    }
                }
            }
        }
        /// What hiding one labelled point costs: as much as a 60 x 60 patch of busy detail.
        let pointCost = 60.0 * 60 * 40
        var best: (rect: (x: Int, y: Int, w: Int, h: Int), shape: Int)?
        var bestCost = Double.infinity
        for (shape, size) in sizes.enumerated() {
            let w = size.w, h = size.h
            guard w + 2 * margin <= W, h + 2 * margin + top <= H else { continue }
            let left = margin, right = W - w - margin, high = top + margin, low = H - h - margin
            // Where a map's legend is looked for: the corners, then the middles of the edges (a
            // fifth dearer, so that a corner wins unless it hides clearly more).
            let midX = (left + right) / 2, midY = (high + low) / 2
            let candidates: [(Int, Int, Double)] = [(left, low, 1), (left, high, 1), (right, high, 1), (right, low, 1),
                                                    (midX, low, 1.2), (midX, high, 1.2), (left, midY, 1.2), (right, midY, 1.2)]
            for (x, y, weight) in candidates {
                let overlaps = avoiding.contains { x < $0.x + $0.w && $0.x < x + w && y < $0.y + $0.h && $0.y < y + h }
                guard !overlaps else { continue }
                var cost = sums[(y + h) * (W + 1) + x + w] - sums[y * (W + 1) + x + w] - sums[(y + h) * (W + 1) + x] + sums[y * (W + 1) + x]
                for p in keepingClear where p.x >= Double(x) && p.x < Double(x + w) && p.y >= Double(y) && p.y < Double(y + h) {
                    cost += pointCost
                }
                cost *= weight
                // Clearly less: ties keep the earlier candidate.
                if best == nil || cost < bestCost * 0.98 {
                    best = ((x, y, w, h), shape)
                    bestCost = cost
                }
            }
        }
        return best ?? ((margin, max(top, H - sizes[0].h - margin), sizes[0].w, sizes[0].h), 0)
    }

    /// An arrowhead halfway along a projected path.
    private static func drawArrow(on canvas: inout Canvas, along points: [SIMD2<Double>], forward: Bool, size: Double, color: SIMD4<Float>) {
        var lengths: [Double] = [0]
        for (a, b) in zip(points, points.dropFirst()) {
            let d = b - a
            lengths.append(lengths.last! + (d.x * d.x + d.y * d.y).squareRoot())
        }
        let total = lengths.last!
        guard total > size * 3 else { return }
        let at = total * (forward ? 0.55 : 0.45)
        guard let k = lengths.indices.dropFirst().first(where: { lengths[$0] >= at }) else { return }
        let a = points[k - 1], b = points[k]
        let d = b - a
        let l = (d.x * d.x + d.y * d.y).squareRoot()
        guard l > 0 else { return }
        let direction = (forward ? d : -d) / l
        let tip = a + d * ((at - lengths[k - 1]) / l) + direction * size / 2
        let normal = SIMD2(-direction.y, direction.x)
        let head = [tip, tip - direction * size + normal * size * 0.55, tip - direction * size - normal * size * 0.55]
        canvas.fillPolygon(head, color: color)
    }

    /// Per pixel: is the floor what the camera sees there (or nothing at all)?
    static func floorVisibility(frame: RenderedFrame, view: ViewGeometry, height: Double) -> [Bool] {
        var visible = [Bool](repeating: true, count: view.width * view.height)
        guard frame.viewDepth.count == visible.count else { return visible }
        visible.withUnsafeMutableBufferPointer { out in
            frame.viewDepth.withUnsafeBufferPointer { depth in
                parallelFor(view.height) { y in
                    for x in 0..<view.width {
                        let seen = Double(depth[y * view.width + x])
                        guard seen.isFinite else { continue }
                        guard let p = view.planePoint(pixelX: x, pixelY: y, height: height) else {
                            out[y * view.width + x] = false
                            continue
                        }
                        let floorDepth = view.viewDepth(p)
                        out[y * view.width + x] = seen >= floorDepth - (0.03 + 0.002 * floorDepth)
                    }
                }
            }
        }
        return visible
    }
}
