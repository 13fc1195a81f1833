/// What is drawn over a rendered view: floor areas (zones), floor paths (the AGV network, with
/// arrows for direction), markers, labels that never overlap, a legend and a title bar. Positions
/// are scene points; floor items hide behind whatever stands in front of the floor.
public struct Overlay: Sendable {
    /// A translucent polygon on the floor.
    public struct FloorArea: Sendable {
        public var polygon: [SIMD3<Double>]
        public var fill: SIMD4<Float>
        public var stroke: SIMD4<Float>
        /// Shown where something stands between the camera and the floor too, hatched with a
        /// dashed outline (the drawing convention for hidden edges): a keep-out zone behind a
        /// wall stays in the picture from every camera.
        public var throughWalls: Bool
        public init(polygon: [SIMD3<Double>], fill: SIMD4<Float>, stroke: SIMD4<Float>, throughWalls: Bool = false) {
            self.polygon = polygon; self.fill = fill; self.stroke = stroke; self.throughWalls = throughWalls
        }
    }

    /// A line on the floor, with arrowheads halfway along showing which way it runs.
    public struct FloorPath: Sendable {
        public var points: [SIMD3<Double>]
        public var color: SIMD4<Float>
        /// Line width at scale 1, pixels.
        public var width: Double
        public var arrowForward: Bool
        public var arrowBackward: Bool
        public init(points: [SIMD3<Double>], color: SIMD4<Float>, width: Double = 1.5, arrowForward: Bool = true,
                    arrowBackward: Bool = false) {
            self.points = points; self.color = color; self.width = width
            self.arrowForward = arrowForward; self.arrowBackward = arrowBackward
        }
    }

    /// A disc at a point, drawn on top.
    public struct Marker: Sendable {
        public var position: SIMD3<Double>
        /// Radius at scale 1, pixels.
        public var radius: Double
        public var fill: SIMD4<Float>
        public var ring: SIMD4<Float>?
        public init(position: SIMD3<Double>, radius: Double, fill: SIMD4<Float>, ring: SIMD4<Float>? = nil) {
            self.position = position; self.radius = radius; self.fill = fill; self.ring = ring
        }
    }

    /// Text on a plate near a point; labels of higher priority are placed first, and a label
    /// that finds no free place is left out rather than drawn over another.
    public struct Label: Sendable {
        public var text: String
        public var anchor: SIMD3<Double>
        public var textColor: SIMD4<Float>
        public var plate: SIMD4<Float>
        public var priority: Int
        public init(text: String, anchor: SIMD3<Double>, textColor: SIMD4<Float> = SIMD4(1, 1, 1, 1),
                    plate: SIMD4<Float> = SIMD4(0.1, 0.12, 0.15, 0.8), priority: Int = 0) {
            self.text = text; self.anchor = anchor; self.textColor = textColor; self.plate = plate; self.priority = priority
        }
    }

    public struct LegendEntry: Sendable {
        public var color: SIMD4<Float>
        public var text: String
        public init(color: SIMD4<Float>, text: String) { self.color = color; self.text = text }
    }

    public var areas: [FloorArea] = []
    public var paths: [FloorPath] = []
    public var markers: [Marker] = []
    public var labels: [Label] = []
    public var legend: [LegendEntry] = []
    /// Floor polygons that labels and the legend keep off (the parts a violation names), each
    /// when it is small enough in the view to go round: an eighth of the picture at most.
    public var uncovered: [[SIMD3<Double>]] = []
    /// The title bar's text; no bar when nil.
    public var title: String?
    /// The height of the floor in the scene (Y), for hiding floor items behind machines.
    public var floorHeight: Double = 0
    /// A scale bar and a north arrow (the floor's +y, the scene's -Z), for views straight down.
    public var scaleAndNorth = false

    public init() {}
}
