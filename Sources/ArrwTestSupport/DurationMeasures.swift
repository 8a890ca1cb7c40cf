extension Duration {
    /// The duration in seconds, for benchmark reports.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }

    /// The duration in milliseconds, for latency samples.
    public var milliseconds: Double { seconds * 1000 }
}
