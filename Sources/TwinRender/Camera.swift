import Foundation
import TwinGeometry

/// A camera with the conventions of gluLookAt (eye, target, up) and gluPerspective (vertical field
/// of view) or glOrtho (vertical extent, symmetric about the view axis), in scene coordinates
/// (glTF: meters, Y up), so that an image can be compared with OpenGL's pixel for pixel.
public struct Camera: Sendable, Equatable {
    public enum Projection: Sendable, Equatable {
        case perspective(fovDegrees: Double)
        case orthographic(height: Double)
    }

    public var eye: SIMD3<Double>
    public var target: SIMD3<Double>
    public var up: SIMD3<Double>
    public var projection: Projection
    public var near: Double
    public var far: Double

    public init(eye: SIMD3<Double>, target: SIMD3<Double>, up: SIMD3<Double> = SIMD3(0, 1, 0),
                projection: Projection, near: Double = 0.1, far: Double = 2000) {
        self.eye = eye; self.target = target; self.up = up
        self.projection = projection; self.near = near; self.far = far
    }

    /// Why a camera cannot make an image (thrown as ``RenderError/camera(_:)``).
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case notFinite(String)
        case eyeAtTarget
        case upParallelToView
        case fieldOfView(Double)
        case orthoHeight(Double)
        case clipRange(near: Double, far: Double)

        public var description: String {
            switch self {
            case .notFinite(let field): return "camera \(field) is not a finite number"
            case .eyeAtTarget: return "camera eye and target are the same point"
            case .upParallelToView: return "camera up vector is zero or parallel to the view direction"
            case .fieldOfView(let v): return "field of view must be between 0 and 180 degrees, found \(v)"
            case .orthoHeight(let v): return "orthographic height must be greater than zero, found \(v)"
            case .clipRange(let n, let f): return "near and far must satisfy 0 < near < far, found near \(n), far \(f)"
            }
        }
    }

    /// Checks that the camera makes a well-defined image.
    public func validate() throws(RenderError) {
        for (name, v) in [("eye", eye), ("target", target), ("up", up)] where !v.isFinite { throw .camera(.notFinite(name)) }
        guard near.isFinite, far.isFinite, near > 0, far > near else { throw .camera(.clipRange(near: near, far: far)) }
        let forward = target - eye
        guard simdLength(forward) > 1e-9 else { throw .camera(.eyeAtTarget) }
        guard simdLength(simdCross(simdNormalize(forward), up)) > 1e-9 else { throw .camera(.upParallelToView) }
        switch projection {
        case .perspective(let fov):
            guard fov.isFinite, fov > 0, fov < 180 else { throw .camera(.fieldOfView(fov)) }
        case .orthographic(let height):
            guard height.isFinite, height > 0 else { throw .camera(.orthoHeight(height)) }
        }
    }

    /// gluLookAt: the world-to-view transform.
    public var viewMatrix: Matrix4x4 {
        let f = simdNormalize(target - eye)
        let s = simdNormalize(simdCross(f, up))
        let u = simdCross(s, f)
        return Matrix4x4(columns: SIMD4(s.x, u.x, -f.x, 0), SIMD4(s.y, u.y, -f.y, 0), SIMD4(s.z, u.z, -f.z, 0),
                         SIMD4(-simdDot(s, eye), -simdDot(u, eye), simdDot(f, eye), 1))
    }

    /// gluPerspective or glOrtho for an image of `aspect` = width / height.
    public func projectionMatrix(aspect: Double) -> Matrix4x4 {
        switch projection {
        case .perspective(let fov):
            let f = 1 / tan(fov * .pi / 360)
            return Matrix4x4(columns: SIMD4(f / aspect, 0, 0, 0), SIMD4(0, f, 0, 0),
                             SIMD4(0, 0, (far + near) / (near - far), -1), SIMD4(0, 0, 2 * far * near / (near - far), 0))
        case .orthographic(let height):
            let t = height / 2, r = height * aspect / 2
            return Matrix4x4(columns: SIMD4(1 / r, 0, 0, 0), SIMD4(0, 1 / t, 0, 0),
                             SIMD4(0, 0, -2 / (far - near), 0), SIMD4(0, 0, -(far + near) / (far - near), 1))
        }
    }

    /// The world-to-clip transform for an image of `width` x `height` pixels.
    public func viewProjection(width: Int, height: Int) -> Matrix4x4 {
        projectionMatrix(aspect: Double(width) / Double(height)) * viewMatrix
    }

    /// The unit direction the camera looks along.
    public var forward: SIMD3<Double> { simdNormalize(target - eye) }
}
