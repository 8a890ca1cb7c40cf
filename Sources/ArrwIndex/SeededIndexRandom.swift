/// The deterministic random source of the seeded index types (LSH's projections, IVF's k-means
/// initialisation and training sample): SplitMix64 (Steele, Lea & Flood 2014), with uniform and
/// Gaussian draws built only from its 64-bit outputs and the standard library's arithmetic, so a
/// seed gives the same values on every platform and Swift version.
///
/// Not for cryptography. A value type: copies continue the same sequence independently.
struct SeededIndexRandom: RandomNumberGenerator {
    /// The generator's whole state; advances by a fixed odd constant per draw. Index formats that
    /// must continue the same sequence after loading store and restore it.
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw from `0 ..< 1` with 53 random bits.
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform draw from `0 ..< bound` (Lemire's multiply-shift, without the rejection step:
    /// the bias is below bound / 2⁶⁴, irrelevant for sampling). Precondition: `bound >= 1`.
    mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound >= 1, "SeededIndexRandom.nextIndex: bound must be at least 1")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A standard normal draw (mean 0, variance 1) by Marsaglia's polar method (Marsaglia &
    /// Bray 1964).
    mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * Self.naturalLog(s) / s).squareRoot()
            }
        }
    }

    /// `ln(x)` for a finite `x > 0`, to about 1e-16 relative: `x = m · 2^e` with `m` in `1 ..< 2`,
    /// then `ln m = 2·atanh(t)` with `t = (m − 1)/(m + 1) < 1/3`, summed as its odd power series.
    /// (The standard library has no logarithm without Foundation or the C library.)
    static func naturalLog(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "naturalLog: argument must be finite and positive")
        let m = x.significand
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var power = t
        var sum = 0.0
        var denominator = 1.0
        for _ in 0..<24 {
            sum += power / denominator
            power *= t2
            denominator += 2
        }
        return Double(x.exponent) * 0.693_147_180_559_945_309_4 + 2 * sum
    }
}
