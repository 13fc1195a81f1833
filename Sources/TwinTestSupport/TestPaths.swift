import Foundation

/// Where tests and benchmarks find the repository and `../shared/` (the real files others wrote:
/// models, VDA 5050 schemas, reference harnesses). Not part of any library product: test and
/// benchmark helpers live here rather than in the modules scripts import.
package enum TestPaths {
    /// The repository root (this file is Sources/TwinTestSupport/TestPaths.swift).
    package static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `../shared/` beside the checkout; tests that need it skip where it is absent.
    package static let shared = URL(fileURLWithPath: repository).deletingLastPathComponent().appendingPathComponent("shared").path

    /// Whether `../shared/` is there.
    package static var hasShared: Bool { FileManager.default.fileExists(atPath: shared) }
}
