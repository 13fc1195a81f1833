import Foundation

/// Reads a whole JSON file (a VDA 5050 order, a collision case, a scenario's state document) with
/// the fast parser, and says where a syntax error is as `line:column`.
public enum JSONDocument {
    /// The largest JSON file read whole: ample for orders, cases and documents, and a bound on
    /// what a file named on the command line can make this process hold.
    public static let maximumBytes = 256 << 20

    /// Reads and parses the file at `path`.
    public static func read(path: String) throws(JSONError) -> JSONValue {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw JSONError.file(path, message: "file not found") }
        guard !isFolder.boolValue else { throw JSONError.file(path, message: "is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw JSONError.file(path, message: "cannot be read (permission denied?)") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maximumBytes + 1) ?? Data() } catch {
            throw JSONError.file(path, message: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maximumBytes else { throw JSONError.file(path, message: "larger than \(maximumBytes >> 20) MiB") }
        return try parse(Array(data), file: path)
    }

    /// Parses `bytes`, naming `file` in an error.
    public static func parse(_ bytes: [UInt8], file: String) throws(JSONError) -> JSONValue {
        let result: Result<JSONValue, JSONError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONError) { return .success(try JSONParser.parse(buffer)) } catch { return .failure(error) }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error):
            let (line, column) = position(of: error.offset ?? 0, in: bytes)
            throw JSONError.file(file, line: line, column: column, message: error.message)
        }
    }

    /// Line and column (1-based, columns in bytes) of a byte offset.
    public static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
