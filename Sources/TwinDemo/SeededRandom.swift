/// SplitMix64: a small, fast generator whose sequence depends only on its seed, so that the
/// demo plants come out byte for byte the same on every machine.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `range`, from the top 53 bits (the same on every platform).
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        let unit = Double(next() >> 11) / Double(1 << 53)
        return range.lowerBound + (range.upperBound - range.lowerBound) * unit
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { uniform(0...1) < p }

    /// A uniform index below `count`.
    mutating func index(_ count: Int) -> Int { Int(next() % UInt64(count)) }
}
