import Foundation
import TwinLayout

/// Bearer tokens and their scopes, from a YAML file:
///
/// ```yaml
/// tokens:
///   - {token: "9f2c...", scopes: [read]}          # dashboards
///   - {token: "71ab...", scopes: [read, write]}   # the MES that posts updates
/// ```
public struct TokenConfig: Sendable {
    public enum Scope: String, Sendable, CaseIterable { case read, write }

    public var tokens: [String: Set<Scope>]

    public init(tokens: [String: Set<Scope>]) { self.tokens = tokens }

    /// Reads the token file at `path`; a wrong field is a ``SyncError/tokens(file:line:field:message:)``.
    public static func load(path: String) throws(SyncError) -> TokenConfig {
        do throws(LayoutError) {
            return try read(path: path)
        } catch {
            let place = error.place
            throw .tokens(file: place.file, line: place.line, field: place.field, message: place.message)
        }
    }

    static func read(path: String) throws(LayoutError) -> TokenConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .fileNotFound(path: path, referencedFrom: nil, line: nil)
        }
        let top = try ManifestField.document(text, file: path, emptyMessage: "the token file is empty").mapping(allowed: ["tokens"])
        var tokens: [String: Set<Scope>] = [:]
        for item in try top.required("tokens").sequence() {
            let m = try item.mapping(allowed: ["token", "scopes"])
            let tokenField = try m.required("token")
            let token = try tokenField.string()
            guard token.count >= 16 else { throw tokenField.error("a token needs at least 16 characters") }
            guard tokens[token] == nil else { throw tokenField.error("the same token twice") }
            var scopes = Set<Scope>()
            for s in try m.required("scopes").sequence() {
                let text = try s.string()
                guard let scope = Scope(rawValue: text) else { throw s.error("unknown scope '\(text)' (expected read or write)") }
                scopes.insert(scope)
            }
            tokens[token] = scopes
        }
        return TokenConfig(tokens: tokens)
    }

    /// The scopes of the `Authorization: Bearer ...` header's token; nil when it is missing or unknown.
    public func scopes(authorization: String?) -> Set<Scope>? {
        // The scheme is case-insensitive (RFC 9110 11.1): `Bearer`, `bearer` and `BEARER` alike;
        // one or more spaces before the token.
        guard let header = authorization else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let given = Array(parts[1].drop(while: { $0 == " " }).utf8)
        // Compared in time that does not depend on where the first difference lies.
        for (token, scopes) in tokens {
            let known = Array(token.utf8)
            guard known.count == given.count else { continue }
            var difference: UInt8 = 0
            for i in 0..<known.count { difference |= known[i] ^ given[i] }
            if difference == 0 { return scopes }
        }
        return nil
    }
}
