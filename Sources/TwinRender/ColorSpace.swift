#if canImport(Glibc)
import Glibc
#endif

/// sRGB transfer functions: shading and anti-aliasing happen in linear light, images are sRGB.
public enum ColorSpace {
    /// Linear 0...1 to an 8-bit sRGB code, through a 4096-entry table.
    @inlinable
    public static func encode(_ linear: Float) -> UInt8 {
        let i = Int(min(max(linear, 0), 1) * 4095 + 0.5)
        return encodeTable[i]
    }

    public static let encodeTable: [UInt8] = (0..<4096).map { i in
        let l = Double(i) / 4095
        let s = l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1 / 2.4) - 0.055
        return UInt8((s * 255).rounded())
    }

    /// An sRGB value 0...1 to linear.
    public static func decode(_ srgb: Float) -> Float {
        srgb <= 0.04045 ? srgb / 12.92 : Float(pow(Double((srgb + 0.055) / 1.055), 2.4))
    }

    /// The id pass's color of item `i`: (i + 1) spread over 24 bits by Knuth's multiplicative
    /// hash, as the llvmpipe reference harness colors its nodes; never black.
    public static func idColor(_ i: Int) -> SIMD4<UInt8> {
        let k = UInt64(i + 1) &* 2_654_435_761 % (1 << 24)
        return SIMD4(UInt8(truncatingIfNeeded: k >> 16), UInt8(truncatingIfNeeded: k >> 8), UInt8(truncatingIfNeeded: k), 255)
    }
}
