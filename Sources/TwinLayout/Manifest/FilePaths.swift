import Foundation

/// Paths written inside a file (a manifest's models, a scenario's plant, a change's base) are
/// relative to the folder of that file. One reading for every file format, so that a manifest
/// given as `../demo/plant.yaml`, through a symbolic link or by an absolute path finds the same
/// models.
public enum FilePaths {
    /// `path` as written in `file`: absolute paths as they are; others joined to the folder that
    /// holds `file` (a symbolic link to a file is followed first, so its models are found beside
    /// the real file). The result is left for the file system to resolve ('..' after a linked
    /// folder means what the system says it means), with only './' taken out.
    public static func resolve(_ path: String, besides file: String) -> String {
        if path.hasPrefix("/") { return path }
        var base = file
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: file) {
            base = target.hasPrefix("/") ? target : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        let folder = (base as NSString).deletingLastPathComponent
        let parts = (folder.isEmpty ? path : folder + "/" + path).split(separator: "/", omittingEmptySubsequences: false)
        let kept = parts.enumerated().filter { $0.element != "." && ($0.element != "" || $0.offset == 0) }.map(\.element)
        return kept.joined(separator: "/")
    }

    /// `path` made absolute and canonical by the file system where it exists (realpath), else
    /// made absolute from the working folder.
    public static func absolute(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
