/// How two vectors are compared.
///
/// Inside arrwDB every index ranks by one internal *score* where **greater is closer**:
///
/// | metric   | internal score `s`                               |
/// | -------- | ------------------------------------------------ |
/// | `cosine` | dot product of the unit vectors (cosine similarity) |
/// | `l2`     | −(squared Euclidean distance)                    |
/// | `dot`    | dot product                                      |
///
/// The API's `distance` and `score` (SPEC.md, "Shapes that clients rely on") are derived from `s`
/// once, at the edge, by ``apiDistance(fromScore:)`` and ``apiScore(fromScore:)``.
/// The raw values are the API's spelling (`"cosine"`, `"l2"`, `"dot"`).
public enum DistanceMetric: String, Sendable, Codable, CaseIterable {
    case cosine
    case l2
    case dot
}

extension DistanceMetric {
    /// The API's `distance` for an internal score `s` (smaller is closer):
    /// cosine `1 − s`; l2 `sqrt(max(0, −s))`, the Euclidean distance; dot `−s`.
    public func apiDistance(fromScore s: Float) -> Double {
        let score = Double(s)
        switch self {
        case .cosine: return 1 - score
        case .l2: return max(0, -score).squareRoot()
        case .dot: return -score
        }
    }

    /// The API's `score` for an internal score `s` (greater is better):
    /// cosine `s`; l2 `1 / (1 + distance)`; dot `s`.
    public func apiScore(fromScore s: Float) -> Double {
        switch self {
        case .cosine, .dot: return Double(s)
        case .l2: return 1 / (1 + apiDistance(fromScore: s))
        }
    }

    /// The internal score of two vectors of equal length under this metric, by the SIMD kernels.
    /// For `cosine` the caller passes unit vectors (the score is then their dot product).
    /// - Complexity: O(d).
    @inlinable
    public func score(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        switch self {
        case .cosine, .dot: return DistanceKernels.dot(a, b)
        case .l2: return -DistanceKernels.squaredL2(a, b)
        }
    }
}

extension DistanceMetric {
    /// The metric's byte in index formats: 0 cosine, 1 l2, 2 dot.
    public var tag: UInt8 {
        switch self {
        case .cosine: 0
        case .l2: 1
        case .dot: 2
        }
    }

    /// The metric stored as `tag`; an unknown byte is `IndexFormatError.corrupt`.
    public init(tag: UInt8) throws {
        switch tag {
        case 0: self = .cosine
        case 1: self = .l2
        case 2: self = .dot
        default: throw IndexFormatError.corrupt("unknown metric tag \(tag)")
        }
    }
}
