/// Everything TwinGeometry refuses, its one error type: a NURBS curve whose definition cannot be
/// evaluated (VDA 5050 trajectories), an image size out of range.
public enum GeometryError: Error, Equatable, CustomStringConvertible, Sendable {
    case degreeOutOfRange(Int)
    case tooFewControlPoints(count: Int, degree: Int)
    case knotCountMismatch(expected: Int, found: Int)
    case knotsDecreasing(index: Int)
    case emptyParameterRange
    case nonFiniteValue
    case nonPositiveWeight(index: Int)
    /// An image size that is not `WIDTHxHEIGHT` within the limits, in words that say what is expected.
    case imageSize(String)

    public var description: String {
        switch self {
        case .degreeOutOfRange(let d): return "degree \(d) is out of range (1 to \(NURBSCurve.maximumDegree))"
        case .tooFewControlPoints(let c, let d): return "\(c) control points are too few for degree \(d) (need at least \(d + 1))"
        case .knotCountMismatch(let e, let f): return "knot vector has \(f) knots; control points + degree + 1 = \(e)"
        case .knotsDecreasing(let i): return "knot vector decreases at index \(i)"
        case .emptyParameterRange: return "knot vector spans an empty parameter range"
        case .nonFiniteValue: return "a knot, control point or weight is not a finite number"
        case .nonPositiveWeight(let i): return "control point \(i) has a weight that is not positive"
        case .imageSize(let message): return message
        }
    }
}
