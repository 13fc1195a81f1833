import TwinGeometry

/// How to draw a frame: size, samples, mode and lighting.
public struct RenderSettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Base color x (ambient + hemisphere + Lambert sun), anti-aliased, sRGB output.
        case shaded
        /// Each item in a flat, distinct color; no lighting, no anti-aliasing: for comparisons.
        case id
    }

    /// The largest width or height accepted.
    public static let maximumSize = ImageSize.maximumSide

    public var width: Int
    public var height: Int
    /// Samples per pixel: 1, 4 or 8 (the id mode always uses 1).
    public var samples: Int
    public var mode: Mode
    /// Background in sRGB, 0...1.
    public var background: SIMD4<Float>
    /// Dark lines along silhouettes and creases, which make plan views readable.
    public var outlines: Bool
    public var lighting: Lighting
    /// Worker threads; nil for every core.
    public var threads: Int?
    /// Whether the frame carries each pixel's view depth (for overlays that hide behind machines).
    public var outputsViewDepth = true

    public init(width: Int = 1920, height: Int = 1080, samples: Int = 4, mode: Mode = .shaded,
                background: SIMD4<Float> = SIMD4(0.93, 0.94, 0.96, 1), outlines: Bool = false,
                lighting: Lighting = Lighting(), threads: Int? = nil) {
        self.width = width; self.height = height; self.samples = samples; self.mode = mode
        self.background = background; self.outlines = outlines; self.lighting = lighting; self.threads = threads
    }

    /// The samples actually taken per pixel.
    public var effectiveSamples: Int { mode == .id ? 1 : samples }

    /// Checks size and samples.
    public func validate() throws(RenderError) {
        guard (1...Self.maximumSize).contains(width), (1...Self.maximumSize).contains(height) else {
            throw .invalidSize(width: width, height: height)
        }
        guard [1, 4, 8].contains(samples) else { throw .invalidSamples(samples) }
        if let threads, threads < 1 { throw .invalidThreads(threads) }
    }
}

/// The lighting of the shaded mode: light = ambient + hemisphere * (0.5 + 0.5 n.y) + sun * max(n.l, 0),
/// as the llvmpipe reference harness lights its images.
public struct Lighting: Sendable, Equatable {
    public var ambient: Float = 0.25
    public var hemisphere: Float = 0.25
    public var sun: Float = 0.6
    /// Toward the sun, in scene coordinates (Y up).
    public var sunDirection: SIMD3<Float> = SIMD3<Float>(0.4, 0.8, 0.3) / (0.4 * 0.4 + 0.8 * 0.8 + 0.3 * 0.3).squareRoot()

    public init() {}
}

/// Why a frame cannot be drawn or an image written or read, the one error type of TwinRender.
public enum RenderError: Error, Equatable, CustomStringConvertible {
    case invalidSize(width: Int, height: Int)
    case invalidSamples(Int)
    case invalidThreads(Int)
    case camera(Camera.Problem)
    case pngEncoding(String)
    case pngDecoding(String)
    case fileWrite(path: String, message: String)
    case fileRead(path: String, message: String)

    public var description: String {
        switch self {
        case let .invalidSize(w, h): return "image size \(w)x\(h) is out of range (1 to \(RenderSettings.maximumSize) on each side)"
        case .invalidSamples(let s): return "samples per pixel must be 1, 4 or 8, found \(s)"
        case .invalidThreads(let t): return "threads must be at least 1, found \(t)"
        case .camera(let problem): return problem.description
        case .pngEncoding(let message): return "PNG encoding failed: \(message)"
        case .pngDecoding(let message): return "cannot read PNG: \(message)"
        case let .fileWrite(path, message): return "\(path): cannot write: \(message)"
        case let .fileRead(path, message): return "\(path): \(message)"
        }
    }
}
