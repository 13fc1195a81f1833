/// The floor frame of VDA 5050 and ROS: x and y on the floor in meters, z up, theta in radians
/// counterclockwise from +x seen from above. Scenes are glTF's frame, Y up: the floor's
/// (x, y, z) is the scene's (X, Y, Z) = (x, z, -y).
public enum FloorFrame {
    /// The scene point (glTF, Y up) of a floor point (x, y on the floor, z up).
    @inlinable
    public static func scenePoint(x: Double, y: Double, z: Double = 0) -> SIMD3<Double> {
        SIMD3(x, z, -y)
    }

    /// The floor point (x, y, height z) of a scene point.
    @inlinable
    public static func floorPoint(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(p.x, -p.z, p.y)
    }

    /// The transform that places a model at a floor pose: yaw `theta` about the vertical, then
    /// translation to (x, y) and height z.
    @inlinable
    public static func placement(x: Double, y: Double, z: Double = 0, theta: Double) -> Matrix4x4 {
        .translation(scenePoint(x: x, y: y, z: z)) * .rotationY(theta)
    }

    /// Turns a Z-up file (x, y, z up) into the scene's Y-up frame: (x, y, z) -> (x, z, -y).
    public static let zUpToScene = Matrix4x4.rotationX(-Double.pi / 2)
}

/// A position and heading on the floor (VDA 5050's x, y, theta).
public struct Pose2D: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double
    /// Heading in radians, counterclockwise from +x seen from above.
    public var theta: Double

    @inlinable
    public init(x: Double, y: Double, theta: Double = 0) {
        self.x = x; self.y = y; self.theta = theta
    }

    public var position: SIMD2<Double> { SIMD2(x, y) }

    public var description: String { "(\(x), \(y), θ \(theta))" }
}
