import Foundation

/// Why writing a file failed, in words a user can act on: a missing folder by name, a path
/// through a file, else the system's reason (`strerror`), not Foundation's "The operation could
/// not be completed". Shared by every command that writes images, reports or folders.
public enum WriteFailure {
    /// `creatingFolders`: the write was `mkdir -p`, which makes missing folders itself.
    public static func reason(writing path: String, _ error: any Error, creatingFolders: Bool = false) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if creatingFolders {
            // The nearest part of the path that exists must be a folder.
            var existing = path
            while !existing.isEmpty && existing != "/" && !FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder) {
                existing = (existing as NSString).deletingLastPathComponent
            }
            if !existing.isEmpty && existing != "/" && !isFolder.boolValue { return "\(existing) is a file, not a folder" }
        } else if !folder.isEmpty && folder != path {
            if !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) { return "the folder \(folder) does not exist" }
            if !isFolder.boolValue { return "\(folder) is not a folder" }
        }
        if let underlying = (error as? CocoaError)?.underlying ?? ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error),
           case let posix = underlying as NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedDescription
    }
}
