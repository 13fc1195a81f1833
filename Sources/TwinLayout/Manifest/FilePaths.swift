import Foundation

/// Paths written inside a file (a manifest's models, a scenario's plant, a change's base) are
/// relative to the folder of that file. One reading for every file format, so that a manifest
/// given as `../demo/plant.yaml`, through a symbolic link or by an absolute path finds the same
/// models.
public enum FilePaths {
    /// `path` as written in `file`: absolute paths as they are; others from the folder holding
    /// `file` (a symbolic link to a file is followed first, so its models are found beside the
    /// real file), made absolute and canonical where the file exists.
    public static func resolve(_ path: String, besides file: String) -> String {
        if path.hasPrefix("/") { return path }
        var base = file
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: file) {
            base = target.hasPrefix("/") ? target : ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        let folder = (base as NSString).deletingLastPathComponent
        let joined = folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        // Resolved by the file system (realpath: links and '..' as the system follows them, where
        // a purely textual clean-up would go wrong after a linked folder); a path to nothing is
        // left as joined, for the error that names it.
        guard let real = realpath(joined, nil) else { return joined }
        defer { free(real) }
        return String(cString: real)
    }
}
