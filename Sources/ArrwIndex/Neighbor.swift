/// One search result: a stored key and its internal score under the index's metric
/// (greater is closer; see ``DistanceMetric``).
public struct Neighbor: Sendable, Equatable, Hashable {
    /// The caller's key the vector was stored under.
    public var key: UInt64
    /// The internal score (greater is closer).
    public var score: Float

    public init(key: UInt64, score: Float) {
        self.key = key
        self.score = score
    }

    /// Whether `self` ranks before `other` in a result list: a greater score first, and on equal
    /// scores the smaller key first, so results are deterministic.
    @inlinable
    public func ranksBefore(_ other: Neighbor) -> Bool {
        score > other.score || (score == other.score && key < other.key)
    }
}
