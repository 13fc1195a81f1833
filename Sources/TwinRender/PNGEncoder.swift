import CPNG
import Foundation

/// Encodes images as PNG through libpng's simplified API (`png_image_*`, which needs no setjmp),
/// RGBA with 8 bits per channel, and adds `tEXt` chunks (plant, camera, time, version) that the
/// simplified API cannot write itself, spliced in after the header chunk.
public enum PNGEncoder {
    /// The PNG bytes of `image` with `text` as tEXt chunks (Latin-1 keys of 1 to 79 characters).
    public static func encode(_ image: Image, text: [(key: String, value: String)] = []) throws(RenderError) -> [UInt8] {
        var descriptor = png_image()
        descriptor.version = UInt32(PNG_IMAGE_VERSION)
        descriptor.width = UInt32(image.width)
        descriptor.height = UInt32(image.height)
        descriptor.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        // Speed over size: snapshots are written by the hundred, and zlib's default effort costs
        // more than drawing the frame.
        descriptor.flags = UInt32(PNG_IMAGE_FLAG_FAST)
        var size: Int = 0
        let stride = Int32(image.width * 4)
        let sized = image.pixels.withUnsafeBytes { pixels in
            png_image_write_to_memory(&descriptor, nil, &size, 0, pixels.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw .pngEncoding(message(descriptor)) }
        var bytes = [UInt8](repeating: 0, count: size)
        let written = bytes.withUnsafeMutableBytes { out in
            image.pixels.withUnsafeBytes { pixels in
                png_image_write_to_memory(&descriptor, out.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
        }
        png_image_free(&descriptor)
        guard written != 0 else { throw .pngEncoding(message(descriptor)) }
        bytes.removeSubrange(size...)
        return splice(text: text, into: bytes)
    }

    /// Writes the PNG to `path`.
    public static func write(_ image: Image, to path: String, text: [(key: String, value: String)] = []) throws(RenderError) {
        let bytes = try encode(image, text: text)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .fileWrite(path: path, message: WriteFailure.reason(writing: path, error))
        }
    }

    private static func message(_ descriptor: png_image) -> String {
        withUnsafeBytes(of: descriptor.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Inserts tEXt chunks after IHDR (8-byte signature, then IHDR's 4 + 4 + 13 + 4 bytes).
    static func splice(text: [(key: String, value: String)], into png: [UInt8]) -> [UInt8] {
        guard !text.isEmpty, png.count > 33 else { return png }
        var chunks: [UInt8] = []
        for (key, value) in text {
            let keyBytes = Array(key.unicodeScalars.compactMap { $0.value < 256 && $0.value >= 32 ? UInt8($0.value) : nil }.prefix(79))
            guard !keyBytes.isEmpty else { continue }
            let valueBytes = value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
            let data = keyBytes + [0] + valueBytes
            var chunk: [UInt8] = []
            chunk += bigEndian(UInt32(data.count))
            let typed = Array("tEXt".utf8) + data
            chunk += typed
            chunk += bigEndian(CRC32.checksum(typed))
            chunks += chunk
        }
        return Array(png[0..<33]) + chunks + Array(png[33...])
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }
}

/// The CRC-32 of PNG chunks (ISO 3309, polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
