import Foundation
import Testing

@Suite("twin serve and twin sync: bad input")
struct ServeInputTests {
    @Test func aPortInUseIsOneLineAndStatusTwo() throws {
        let dir = NSTemporaryDirectory() + "serve-port-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "tokens:\n  - {token: abcdefghijklmnopqrstuvwxyz, scopes: [read]}\n".write(toFile: dir + "/tokens.yaml", atomically: true, encoding: .utf8)
        // Another server holds the port.
        let holder = try TwinServer(arguments: [])
        let result = try TwinBinary.run(["serve", "Assets/demo/plant.yaml", "--tokens", dir + "/tokens.yaml", "--db", dir + "/h.sqlite",
                                         "--port", "\(holder.port)"], timeoutSeconds: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("twin: error: 127.0.0.1:\(holder.port): the port is in use (another server listens there; choose one with --port)"), "\(result.stderr)")
        #expect(holder.stop() == 0)
    }

    @Test func badTokensAndBrokersAreOneLineAndStatusTwo() throws {
        let dir = NSTemporaryDirectory() + "serve-input-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "tokens:\n  - {token: short, scopes: [read]}\n".write(toFile: dir + "/short.yaml", atomically: true, encoding: .utf8)
        try "tokens:\n  - {token: abcdefghijklmnopqrstuvwxyz, scopes: [admin]}\n".write(toFile: dir + "/scope.yaml", atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["serve", "Assets/demo/plant.yaml", "--tokens", dir + "/none.yaml", "--db", dir + "/h.sqlite"], "none.yaml: file not found"),
            (["serve", "Assets/demo/plant.yaml", "--tokens", dir + "/short.yaml", "--db", dir + "/h.sqlite"], "short.yaml:2: tokens[0].token: a token needs at least 16 characters"),
            (["serve", "Assets/demo/plant.yaml", "--tokens", dir + "/scope.yaml", "--db", dir + "/h.sqlite"], "scope.yaml:2: tokens[0].scopes[0]: unknown scope 'admin' (expected read or write)"),
            (["serve", "Assets/demo/plant.yaml", "--tokens", dir + "/scope.yaml", "--port", "70000"], "--port must be 1 to 65535"),
            (["sync", "Assets/demo/plant.yaml", "--broker", "http://example.org"], "The value 'http://example.org' is invalid for '--broker <broker>': expected mqtt://HOST:PORT (such as mqtt://127.0.0.1:1883)"),
        ]
        for (arguments, message) in cases {
            let result = try TwinBinary.run(arguments, timeoutSeconds: 60)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
