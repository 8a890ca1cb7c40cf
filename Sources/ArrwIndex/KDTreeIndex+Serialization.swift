extension KDTreeIndex {
    /// Writes the vectors and the tree as it is (loading does not rebuild it).
    ///
    /// Payload (all little-endian; inside the ``IndexCodec`` envelope, type tag 2):
    ///
    /// | field | width | content |
    /// | --- | --- | --- |
    /// | dimension | UInt32 | d ≥ 1 |
    /// | metric | UInt8 | 0 cosine, 1 l2, 2 dot |
    /// | leafSize | UInt32 | ≥ 1 |
    /// | count | UInt64 | n, the number of keys (< 2³¹) |
    /// | builtCount | UInt64 | n at the last full build (< 2³¹) |
    /// | keys | n × UInt64 | the key of each row, distinct |
    /// | vectors | n × d × Float32 | row after row, finite (unit length for cosine) |
    /// | nodeCount | UInt64 | m ≥ 1 |
    /// | nodes | m × 16 bytes | per node: split dimension Int32 (−1 for a leaf), split value Float32, left Int32, right Int32 (−1, −1 for a leaf) |
    /// | leaves | per leaf node, in node order | member count UInt32, then that many rows UInt32 |
    ///
    /// Reading checks every field: a leaf is encoded exactly as `-1, 0, -1, -1`; the children of
    /// node i are greater than i and every node but the root has exactly one parent; every row is
    /// in exactly one leaf and obeys the split of every ancestor; vectors are finite (and of unit
    /// length ± 10⁻³ for cosine).
    public func writePayload(to writer: inout ByteWriter) {
        writer.write(UInt32(dimension))
        writer.write(metric.tag)
        writer.write(UInt32(leafSize))
        writer.write(UInt64(store.count))
        writer.write(UInt64(builtCount))
        store.write(to: &writer)
        writer.write(UInt64(nodes.count))
        for node in nodes {
            writer.write(node.dimension)
            writer.write(node.value)
            writer.write(node.left)
            writer.write(node.right)
        }
        for (node, leafRows) in zip(nodes, members) where node.isLeaf {
            writer.write(UInt32(leafRows.count))
            writer.write(integers: leafRows.map { UInt32($0) })
        }
    }

    public static func readPayload(from reader: inout ByteReader) throws -> KDTreeIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard dimension >= 1 else { throw IndexFormatError.corrupt("dimension 0") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let leafSize = Int(try reader.read(UInt32.self))
        guard leafSize >= 1, leafSize <= Int(Int32.max) else { throw IndexFormatError.corrupt("leafSize \(leafSize)") }
        let count = try reader.readCount(limit: Swift.min(reader.remaining / 8, Int(Int32.max) - 1))
        let builtCount = try reader.readCount(limit: Int(Int32.max))
        let store = try KeyedVectorStore.read(count: count, dimension: dimension, metric: metric, from: &reader)
        let index = KDTreeIndex(metric: metric, leafSize: leafSize, store: store)
        let nodeCount = try reader.readCount(limit: reader.remaining / 16)
        guard nodeCount >= 1 else { throw IndexFormatError.corrupt("a k-d tree without a root") }
        var nodes: [KDNode] = []
        nodes.reserveCapacity(nodeCount)
        var parent = [Int32](repeating: -1, count: nodeCount)
        for i in 0..<nodeCount {
            let node = KDNode(dimension: try reader.read(Int32.self), value: try reader.readFloat(),
                              left: try reader.read(Int32.self), right: try reader.read(Int32.self))
            if node.isLeaf {
                guard node == KDNode.leaf else { throw IndexFormatError.corrupt("node \(i) is a malformed leaf") }
            } else {
                guard Int(node.dimension) < dimension, node.value.isFinite else {
                    throw IndexFormatError.corrupt("node \(i) has an invalid split")
                }
                for child in [node.left, node.right] {
                    guard Int(child) > i, Int(child) < nodeCount, parent[Int(child)] < 0 else {
                        throw IndexFormatError.corrupt("node \(i) has an invalid child \(child)")
                    }
                    parent[Int(child)] = Int32(i)
                }
            }
            nodes.append(node)
        }
        guard parent.dropFirst().allSatisfy({ $0 >= 0 }) else { throw IndexFormatError.corrupt("a node has no parent") }
        var members = [[Int32]](repeating: [], count: nodeCount)
        index.leafOfRow = [Int32](repeating: -1, count: count)
        index.slotOfRow = [Int32](repeating: -1, count: count)
        for i in 0..<nodeCount where nodes[i].isLeaf {
            let memberCount = Int(try reader.read(UInt32.self))
            guard memberCount <= count else { throw IndexFormatError.corrupt("leaf \(i) has \(memberCount) rows") }
            let leafRows = try reader.readIntegers(UInt32.self, count: memberCount)
            for (slot, row) in leafRows.enumerated() {
                guard Int(row) < count, index.leafOfRow[Int(row)] < 0 else {
                    throw IndexFormatError.corrupt("row \(row) is out of range or in two leaves")
                }
                index.leafOfRow[Int(row)] = Int32(i)
                index.slotOfRow[Int(row)] = Int32(slot)
            }
            members[i] = leafRows.map { Int32($0) }
        }
        guard index.leafOfRow.allSatisfy({ $0 >= 0 }) else { throw IndexFormatError.corrupt("a row is in no leaf") }
        try checkSplits(nodes: nodes, parent: parent, leafOfRow: index.leafOfRow, slab: store.slab)
        index.nodes = nodes
        index.members = members
        index.builtCount = builtCount
        return index
    }

    /// Checks that every row lies on its side of every ancestor's split.
    /// - Complexity: O(n · depth).
    private static func checkSplits(nodes: [KDNode], parent: [Int32], leafOfRow: [Int32], slab: VectorSlab) throws {
        for row in leafOfRow.indices {
            let ok = slab.withRow(row) { v -> Bool in
                var child = Int(leafOfRow[row])
                while child != 0 {
                    let split = nodes[Int(parent[child])]
                    let x = v[Int(split.dimension)]
                    if Int(split.left) == child ? x > split.value : x < split.value { return false }
                    child = Int(parent[child])
                }
                return true
            }
            guard ok else { throw IndexFormatError.corrupt("row \(row) lies outside its leaf's region") }
        }
    }
}
