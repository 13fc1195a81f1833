/// A named view of the plant from the manifest, in floor coordinates (x, y on the floor, z up).
public struct CameraDefinition: Sendable, Identifiable {
    public enum Projection: Sendable, Equatable {
        /// Vertical field of view in degrees (gluPerspective).
        case perspective(fovDegrees: Double)
        /// Vertical extent in meters (glOrtho, symmetric about the view axis).
        case orthographic(height: Double)
    }

    public var name: String
    public var eye: SIMD3<Double>
    public var target: SIMD3<Double>
    public var up: SIMD3<Double>
    public var projection: Projection
    public var line: Int?

    public var id: String { name }

    public init(name: String, eye: SIMD3<Double>, target: SIMD3<Double>, up: SIMD3<Double> = SIMD3(0, 0, 1),
                projection: Projection, line: Int? = nil) {
        self.name = name; self.eye = eye; self.target = target; self.up = up
        self.projection = projection; self.line = line
    }
}
