import Testing

/// The benchmarks refuse bad options before measuring anything: one line, exit 2.
@Suite("twin bench: bad options")
struct BenchInputTests {
    @Test(arguments: [
        (["render", "--size", "0x0"], "The value '0x0' is invalid for '--size <size>': image size 0x0 is out of range (WIDTHxHEIGHT, each side 1 to 16384)"),
        (["render", "--frames", "0"], "--frames must be between 1 and 1000"),
        (["render", "--plants", "demo,demo-huge"], "--plants: unknown plant 'demo-huge' (known: demo, demo-large)"),
        (["exactness", "--size", "20000x10"], "The value '20000x10' is invalid for '--size <size>': image size 20000x10 is out of range (WIDTHxHEIGHT, each side 1 to 16384)"),
        (["validate", "--runs", "0"], "--runs must be between 1 and 100"),
        (["collision", "--margin=-1"], "--margin must be a distance of 0 or more, in meters"),
        (["state", "--memory", "10"], "give at least 1,000 updates to each measurement"),
        (["sync", "--rounds", "0"], "--rounds must be 1 to 20"),
        (["sync", "--messages", "5"], "--messages must be at least 1000"),
        (["sync", "--seconds", "0"], "--seconds must be above 0 and at most 600"),
    ])
    func badOptionsAreOneLineAndExitTwo(arguments: [String], message: String) throws {
        let result = try TwinBinary.run(["bench"] + arguments, timeoutSeconds: 60)
        #expect(result.status == 2, "\(arguments): \(result.stdout)")
        #expect(result.stderr.hasPrefix("twin: error: \(message)"), "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing measured: \(result.stdout)")
    }
}
