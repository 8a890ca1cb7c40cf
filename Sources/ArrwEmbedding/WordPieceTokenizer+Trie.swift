/// The vocabulary as a byte-wise trie over the tokens' UTF-8, so the longest piece that starts
/// at a position is found in one walk, without building candidate strings.
///
/// Invariants: node 0 is the root; `tokenIDs[node]` is the id of the token spelled by the path
/// to `node`, or -1; every edge key is `node << 8 | byte`. Continuation pieces (`##…`) are
/// walked from `continuationRoot`, the node of the prefix `##`.
struct PieceTrie: Sendable {
    private var children: [Int: Int32] = [:]
    private var tokenIDs: [Int32] = [-1]
    /// The node reached by `##`, or nil when the vocabulary has no continuation pieces.
    private(set) var continuationRoot: Int32?

    static let root: Int32 = 0

    /// Builds the trie; a token listed twice keeps its last id, as the reference's loader does.
    init(vocabulary: [String]) {
        children.reserveCapacity(vocabulary.count * 4)
        for (id, token) in vocabulary.enumerated() where !token.isEmpty {
            var node = Self.root
            for byte in token.utf8 {
                let key = Self.key(node, byte)
                if let next = children[key] {
                    node = next
                } else {
                    let next = Int32(tokenIDs.count)
                    tokenIDs.append(-1)
                    children[key] = next
                    node = next
                }
            }
            tokenIDs[Int(node)] = Int32(id)
        }
        let hash = UInt8(ascii: "#")
        continuationRoot = children[Self.key(Self.root, hash)].flatMap { children[Self.key($0, hash)] }
    }

    /// The longest token spelled by `bytes[start...]` read from `node`: its id and the index just
    /// past it, or nil when no token starts there.
    func longestMatch(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, under node: Int32) -> (id: Int32, end: Int)? {
        var node = node
        var best: (id: Int32, end: Int)?
        var index = start
        while index < bytes.count, let next = children[Self.key(node, bytes[index])] {
            node = next
            index += 1
            let id = tokenIDs[Int(node)]
            if id >= 0 { best = (id, index) }
        }
        return best
    }

    private static func key(_ node: Int32, _ byte: UInt8) -> Int {
        Int(node) << 8 | Int(byte)
    }
}
