import CPNG
import Foundation

/// Reads PNG files into RGBA8 images through libpng's simplified API: for golden-image tests,
/// benchmarks and comparisons within this package (`package`, not API: the twin writes PNGs).
package enum PNGDecoder {
    package static func decode(_ bytes: [UInt8]) throws(RenderError) -> Image {
        var descriptor = png_image()
        descriptor.version = UInt32(PNG_IMAGE_VERSION)
        // libpng reads from the bytes until the image is finished: both calls stay inside one borrow.
        let result: Image? = bytes.withUnsafeBytes { raw in
            guard png_image_begin_read_from_memory(&descriptor, raw.baseAddress, raw.count) != 0 else { return nil }
            descriptor.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
            var image = Image(width: Int(descriptor.width), height: Int(descriptor.height))
            let finished = image.pixels.withUnsafeMutableBytes { out in
                png_image_finish_read(&descriptor, nil, out.baseAddress, Int32(image.width * 4), nil)
            }
            return finished != 0 ? image : nil
        }
        guard let result else {
            let text = message(descriptor)
            png_image_free(&descriptor)
            throw .pngDecoding(text)
        }
        return result
    }

    package static func read(path: String) throws(RenderError) -> Image {
        guard let data = FileManager.default.contents(atPath: path) else { throw .fileRead(path: path, message: "cannot read the file") }
        do { return try decode([UInt8](data)) } catch {
            if case .pngDecoding(let reason) = error { throw .fileRead(path: path, message: "not a PNG libpng reads: \(reason)") }
            throw error
        }
    }

    private static func message(_ descriptor: png_image) -> String {
        withUnsafeBytes(of: descriptor.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
