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

    /// An unknown option sends the user to the benchmark's own help, not the group's.
    @Test func anUnknownOptionNamesTheBenchmarksHelp() throws {
        let result = try TwinBinary.run(["bench", "validate", "--bogus"], timeoutSeconds: 60)
        #expect(result.status == 2)
        #expect(result.stderr == "twin: error: Unknown option '--bogus' (see 'twin bench validate --help')\n", "\(result.stderr)")
    }

    /// A benchmark says where it is: one line per step on stderr where stderr is not a terminal
    /// (a CI log), its figures on stdout.
    @Test func aBenchmarkReportsItsProgress() throws {
        let result = try TwinBinary.run(["bench", "load", "Assets/demo/plant.yaml", "--runs", "2"], timeoutSeconds: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let steps = result.stderr.split(separator: "\n").map(String.init)
        #expect(steps == ["twin bench load: 1/4 load 1, isolated", "twin bench load: 2/4 load 1, in-process",
                          "twin bench load: 3/4 load 2, isolated", "twin bench load: 4/4 load 2, in-process"], "\(steps)")
        #expect(result.stdout.contains("our processing"))
    }
}
