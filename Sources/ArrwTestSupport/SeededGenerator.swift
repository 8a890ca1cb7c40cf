/// A deterministic random number generator for tests and benchmarks: SplitMix64 (Steele, Lea &
/// Flood 2014, as in `java.util.SplittableRandom`). The same seed always yields the same
/// sequence, on every platform. Not for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator's whole state; advances by a fixed odd constant per draw.
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One vector of `dimension` floats drawn uniformly from `-1...1`.
public func randomVector(dimension: Int, using generator: inout SeededGenerator) -> [Float] {
    (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
}

/// `count` vectors of `dimension` floats, each component drawn uniformly from `-1...1`.
public func randomVectors(count: Int, dimension: Int, using generator: inout SeededGenerator) -> [[Float]] {
    (0..<count).map { _ in randomVector(dimension: dimension, using: &generator) }
}
