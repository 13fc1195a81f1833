/// An RGBA image with 8 bits per channel, rows from the top, as PNG stores it.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// width * height * 4 bytes: R, G, B, A.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: SIMD4<UInt8> = SIMD4(0, 0, 0, 0)) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        if fill != SIMD4(0, 0, 0, 0) {
            for i in 0..<(width * height) {
                pixels[4 * i] = fill.x; pixels[4 * i + 1] = fill.y; pixels[4 * i + 2] = fill.z; pixels[4 * i + 3] = fill.w
            }
        }
    }

    public subscript(x: Int, y: Int) -> SIMD4<UInt8> {
        get {
            let i = 4 * (y * width + x)
            return SIMD4(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
        }
        set {
            let i = 4 * (y * width + x)
            pixels[i] = newValue.x; pixels[i + 1] = newValue.y; pixels[i + 2] = newValue.z; pixels[i + 3] = newValue.w
        }
    }
}
