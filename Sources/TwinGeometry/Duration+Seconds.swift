extension Duration {
    /// The duration in seconds, for timings printed and compared as plain numbers.
    @inlinable
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
