/// A deterministic, dependency-free embedder for tests and for running without model weights.
///
/// It hashes word tokens (weight 1) and their character trigrams (weight 0.5) into `dimension`
/// signed buckets ("feature hashing") and normalises the result to unit length, so texts that
/// share words land close together under cosine. It knows nothing of meaning: "kitten" and
/// "cat" are unrelated to it. The hash is FNV-1a, stable across processes and platforms.
///
/// Invariants: every vector has `dimension` components and unit length; equal texts give
/// equal vectors.
public struct HashEmbedder: EmbeddingProvider {
    public let dimension: Int
    public var modelName: String { "hash-\(dimension)" }

    /// - Precondition: `dimension >= 1`.
    public init(dimension: Int = 384) {
        precondition(dimension >= 1, "dimension must be positive")
        self.dimension = dimension
    }

    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        texts.map(vector(for:))
    }

    /// The embedding of one text; synchronous because it is pure arithmetic.
    public func vector(for text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        let tokens = Self.tokens(of: text)
        for token in tokens {
            add(feature: token.utf8, weight: 1, to: &vector)
            let padded = Array(("^" + token + "$").unicodeScalars)
            if padded.count > 3 {
                for start in 0...(padded.count - 3) {
                    var trigram = String.UnicodeScalarView()
                    trigram.append(contentsOf: padded[start..<start + 3])
                    add(feature: String(trigram).utf8, weight: 0.5, to: &vector)
                }
            }
        }
        if tokens.isEmpty {
            add(feature: text.utf8, weight: 1, to: &vector)
        }
        var norm: Float = 0
        for value in vector { norm += value * value }
        norm = norm.squareRoot()
        if norm == 0 {
            vector[0] = 1
            return vector
        }
        return vector.map { $0 / norm }
    }

    private func add(feature: String.UTF8View, weight: Float, to vector: inout [Float]) {
        let hash = Self.fnv1a(feature)
        let bucket = Int(hash % UInt64(dimension))
        let sign: Float = (hash >> 63) == 0 ? 1 : -1
        vector[bucket] += sign * weight
    }

    /// Lower-cased runs of letters and digits.
    static func tokens(of text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    static func fnv1a(_ bytes: String.UTF8View) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
