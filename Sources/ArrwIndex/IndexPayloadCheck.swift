/// Checks shared by the payload readers of the KD-tree, LSH and IVF indexes; each throws
/// ``IndexFormatError/corrupt(_:)`` instead of trapping.
enum IndexPayloadCheck {
    /// Throws unless `vector` is finite and, for cosine, of unit length (squared norm 1 ± 10⁻³),
    /// as every index stores it.
    static func storedVector(_ vector: [Float], metric: DistanceMetric) throws {
        guard vector.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a stored vector is not finite") }
        if metric == .cosine {
            let squared = vector.reduce(Float(0)) { $0 + $1 * $1 }
            guard abs(squared - 1) <= 1e-3 else {
                throw IndexFormatError.corrupt("a stored cosine vector is not unit length")
            }
        }
    }
}
