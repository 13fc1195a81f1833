/// An image size as users write it, `WIDTHxHEIGHT`, read the same way by the command line, HTTP
/// and scenarios: each side checked against ``maximumSide`` (and a caller's pixel limit) before any
/// arithmetic, so that no size anyone sends can overflow a pixel count. (It lives at the bottom of
/// the module map so that the renderer, scenarios and the HTTP API share it.)
public struct ImageSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) { self.width = width; self.height = height }

    /// The largest width or height the renderer draws.
    public static let maximumSide = 16384

    public var description: String { "\(width)x\(height)" }

    /// Reads `WIDTHxHEIGHT` (`1920x1080`; `X` too), each side `minimumSide` to
    /// ``maximumSide``, and at most `maximumPixels` pixels in all when given.
    public static func parse(_ text: String, minimumSide: Int = 1, maximumPixels: Int? = nil) -> Result<ImageSize, GeometryError> {
        let limit = maximumSide
        var expected = "WIDTHxHEIGHT, each side \(minimumSide) to \(limit)"
        if let maximumPixels { expected += ", at most \(maximumPixels) pixels in all" }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).flatMap { $0.split(separator: "X", omittingEmptySubsequences: false) }
        // Digits only, and few enough of them that the number is small: no sign, no overflow.
        func side(_ s: Substring) -> Int? {
            guard !s.isEmpty, s.count <= 6, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(s)
        }
        guard parts.count == 2, let w = side(parts[0]), let h = side(parts[1]) else {
            return .failure(.imageSize("expected \(expected), such as 1920x1080; found '\(text.prefix(40))'"))
        }
        guard (minimumSide...limit).contains(w), (minimumSide...limit).contains(h) else {
            return .failure(.imageSize("image size \(w)x\(h) is out of range (\(expected))"))
        }
        if let maximumPixels, w * h > maximumPixels {
            return .failure(.imageSize("image size \(w)x\(h) is \(w * h) pixels, more than the \(maximumPixels) allowed here"))
        }
        return .success(ImageSize(width: w, height: h))
    }
}
