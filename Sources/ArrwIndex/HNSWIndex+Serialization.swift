/// The HNSW payload inside the ``IndexCodec`` envelope (type tag 4; the envelope adds magic,
/// version, length and CRC-32C). All integers and floats little-endian; n = node count (live and
/// tombstoned), d = dimension. Nodes appear in internal id order.
///
/// | field | width | constraint on load |
/// | --- | --- | --- |
/// | dimension d | UInt32 | ≥ 1 |
/// | metric | UInt8 | 0 cosine, 1 l2, 2 dot |
/// | m | UInt32 | 2 ... 1024 |
/// | efConstruction | UInt32 | ≥ 1 |
/// | efSearch | UInt32 | ≥ 1 |
/// | level generator state | UInt64 | any |
/// | node count n | UInt64 | ≤ remaining bytes / (4d + 13) |
/// | entry point | UInt32 | < n (0 when n = 0) |
/// | max level | Int32 | -1 when n = 0, else the entry point's level = the highest level |
/// | keys | n × UInt64 | keys of live nodes distinct |
/// | tombstones | ⌈n / 64⌉ × UInt64 | bit i of word i / 64 set = node i deleted; no bit ≥ n; some node live when n > 0 |
/// | vectors | n × d × Float32 | finite; unit length for cosine |
/// | levels | n × UInt8 | ≤ 48; their sum (the upper lists) ≤ remaining bytes / 4 |
/// | links | per node, per layer 0 ... its level | count UInt32 (≤ 2m on layer 0, ≤ m above), then count × UInt32 ids, each < n and of level ≥ the layer |
///
/// Everything is validated before use; bad input throws ``IndexFormatError``, never traps.
extension HNSWIndex {
    public static let typeTag: UInt8 = 4

    public func writePayload(to writer: inout ByteWriter) {
        let view = store.view
        let n = store.count
        writer.write(UInt32(dimension))
        writer.write(metric.tag)
        writer.write(UInt32(m))
        writer.write(UInt32(clamping: efConstruction))
        writer.write(UInt32(clamping: efSearch))
        writer.write(random.state)
        writer.write(UInt64(n))
        writer.write(n > 0 ? entryPoint : 0)
        writer.write(Int32(n > 0 ? maxLevel : -1))
        // Safe: the side tables hold n initialized entries (bitmap: ⌈n / 64⌉ words).
        writer.write(integers: Array(UnsafeBufferPointer(start: view.keys, count: n)))
        writer.write(integers: Array(UnsafeBufferPointer(start: view.tombstones, count: (n + 63) / 64)))
        for id in 0..<UInt32(n) {
            // Safe: id < n; the record starts with d floats.
            writer.write(floats: UnsafeBufferPointer(start: view.vector(id), count: dimension))
        }
        writer.write(integers: Array(UnsafeBufferPointer(start: view.levels, count: n)))
        for id in 0..<UInt32(n) {
            // Safe: id < n and every layer up to its level has a list.
            for level in 0...Int(view.levels[Int(id)]) {
                let list = view.links(id, level: level)
                writer.write(list[0])
                for j in 0..<Int(list[0]) { writer.write(list[1 + j]) }
            }
        }
    }

    public static func readPayload(from reader: inout ByteReader) throws -> HNSWIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard dimension >= 1 else { throw IndexFormatError.corrupt("dimension 0") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let m = Int(try reader.read(UInt32.self))
        guard m >= 2 && m <= maxM else { throw IndexFormatError.corrupt("m \(m) outside 2...\(maxM)") }
        let efConstruction = Int(try reader.read(UInt32.self))
        let efSearch = Int(try reader.read(UInt32.self))
        guard efConstruction >= 1, efSearch >= 1 else { throw IndexFormatError.corrupt("efConstruction or efSearch is 0") }
        let randomState = try reader.read(UInt64.self)
        let n = try reader.readCount(limit: reader.remaining / (4 * dimension + 13))
        let entryPoint = try reader.read(UInt32.self)
        let maxLevel = Int(try reader.read(Int32.self))
        let keys = try reader.readIntegers(UInt64.self, count: n)
        let tombstones = try reader.readIntegers(UInt64.self, count: (n + 63) / 64)
        // The vectors are copied row by row straight into the index below (no n × d copy).
        var vectorBytes = try reader.subReader(count: n * dimension * 4)
        let levels = try reader.readIntegers(UInt8.self, count: n)

        if n % 64 != 0, let last = tombstones.last, last >> UInt64(n % 64) != 0 {
            throw IndexFormatError.corrupt("tombstone bits beyond the node count")
        }
        let isTombstone = { (id: Int) in tombstones[id >> 6] & (1 << UInt64(id & 63)) != 0 }
        guard levels.allSatisfy({ Int($0) <= levelCap }) else { throw IndexFormatError.corrupt("a level above \(levelCap)") }
        // Every upper list needs at least its 4-byte count below, and the pool is indexed by UInt32.
        let upperLists = levels.reduce(0) { $0 + Int($1) }
        guard upperLists <= reader.remaining / 4, upperLists * (1 + m) < Int(UInt32.max), n < Int(UInt32.max) else {
            throw IndexFormatError.corrupt("\(upperLists) upper-layer lists do not fit the payload")
        }
        if n == 0 {
            guard maxLevel == -1, entryPoint == 0 else { throw IndexFormatError.corrupt("an empty graph with an entry point") }
        } else {
            guard Int(entryPoint) < n else { throw IndexFormatError.corrupt("entry point \(entryPoint) out of range") }
            guard maxLevel == Int(levels[Int(entryPoint)]), maxLevel == Int(levels.max() ?? 0) else {
                throw IndexFormatError.corrupt("max level \(maxLevel) is not the entry point's, or not the highest")
            }
        }

        let index = HNSWIndex(dimension: dimension, metric: metric, m: m, efConstruction: efConstruction, efSearch: efSearch)
        index.random.state = randomState
        index.reserveCapacity(n)
        var tombstoneCount = 0
        var row = [Float](repeating: 0, count: dimension)
        for id in 0..<n {
            try row.withUnsafeMutableBytes { target in
                try vectorBytes.withBytes(count: 4 * dimension) { target.copyMemory(from: $0) }
            }
            #if _endian(big)
            row = row.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
            #endif
            try row.withUnsafeBufferPointer { stored in
                guard stored.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a stored vector is not finite") }
                // Safe: `stored` holds exactly `dimension` floats.
                if metric == .cosine, abs(DistanceKernels.dot(stored.baseAddress!, stored.baseAddress!, count: dimension) - 1) > 1e-3 {
                    throw IndexFormatError.corrupt("a cosine vector is not unit length")
                }
                _ = index.store.append(key: keys[id], vector: stored.baseAddress!, level: Int(levels[id]))
            }
            if isTombstone(id) {
                index.store.setTombstone(UInt32(id))
                tombstoneCount += 1
            } else {
                guard index.ids.updateValue(UInt32(id), forKey: keys[id]) == nil else {
                    throw IndexFormatError.corrupt("live key \(keys[id]) appears twice")
                }
            }
        }
        guard n == 0 || !index.ids.isEmpty else { throw IndexFormatError.corrupt("every node is tombstoned") }

        let view = index.store.view
        for id in 0..<n {
            for level in 0...Int(levels[id]) {
                let limit = level == 0 ? 2 * m : m
                let size = Int(try reader.read(UInt32.self))
                guard size <= limit else { throw IndexFormatError.corrupt("node \(id) has \(size) links on layer \(level)") }
                let list = view.links(UInt32(id), level: level)
                try reader.withBytes(count: 4 * size) { raw in
                    for j in 0..<size {
                        let neighbor = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self))
                        guard Int(neighbor) < n, Int(levels[Int(neighbor)]) >= level else {
                            throw IndexFormatError.corrupt("node \(id) links to \(neighbor) on layer \(level)")
                        }
                        // Safe: j < size <= limit, the list's slots on this layer.
                        list[1 + j] = neighbor
                    }
                }
                // Safe: the count slot leads every list.
                list[0] = UInt32(size)
            }
        }
        index.entryPoint = entryPoint
        index.maxLevel = n == 0 ? -1 : maxLevel
        index.tombstoneCount = tombstoneCount
        return index
    }
}
