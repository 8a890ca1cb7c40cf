extension LSHIndex {
    /// Writes the vectors, the hash functions and every row's bucket codes (so loading rebuilds
    /// the buckets without hashing anything).
    ///
    /// Payload (all little-endian; inside the ``IndexCodec`` envelope, type tag 3):
    ///
    /// | field | width | content |
    /// | --- | --- | --- |
    /// | dimension | UInt32 | d ≥ 1 |
    /// | metric | UInt8 | 0 cosine, 1 l2, 2 dot |
    /// | tables | UInt32 | L, 1 ... 1024 |
    /// | bits | UInt32 | K, 1 ... 64 |
    /// | probes | UInt32 | ≥ 1 |
    /// | seed | UInt64 | the seed the functions were drawn from |
    /// | hashed | UInt8 | 1 when rows are in the tables (always for cosine and dot), else 0 |
    /// | bucketWidth | Float32 | l2 and hashed: w > 0, finite; otherwise 0 |
    /// | count | UInt64 | n, the number of keys (< 2³¹) |
    /// | keys | n × UInt64 | the key of each row, distinct |
    /// | vectors | n × d × Float32 | row after row, finite (unit length for cosine) |
    /// | projections | L × K × d × Float32 | function after function, finite |
    /// | offsets | L × K × Float32 | l2 only: each in [0, 1) |
    /// | codes | n × L × UInt64 | hashed only: row after row, the bucket of the row in each table |
    ///
    /// Reading checks every field and recomputes the codes of up to 64 rows (evenly spread): when
    /// more than 1 in 8 differ, the codes do not belong to these functions, an error rather than
    /// silent misses (a few may differ legitimately: projections run through the C GEMM, whose
    /// last bits depend on the CPU).
    public func writePayload(to writer: inout ByteWriter) {
        writer.write(UInt32(dimension))
        writer.write(metric.tag)
        writer.write(UInt32(tables))
        writer.write(UInt32(bits))
        writer.write(UInt32(probes))
        writer.write(seed)
        writer.write(UInt8(isHashed ? 1 : 0))
        writer.write(bucketWidth)
        writer.write(UInt64(store.count))
        store.write(to: &writer)
        writer.write(floats: projections)
        if metric == .l2 { writer.write(floats: offsets) }
        if isHashed { writer.write(integers: codes) }
    }

    public static func readPayload(from reader: inout ByteReader) throws -> LSHIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard dimension >= 1 else { throw IndexFormatError.corrupt("dimension 0") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let tables = Int(try reader.read(UInt32.self))
        let bits = Int(try reader.read(UInt32.self))
        let probes = Int(try reader.read(UInt32.self))
        guard (1...1024).contains(tables), (1...64).contains(bits), probes >= 1 else {
            throw IndexFormatError.corrupt("tables \(tables), bits \(bits), probes \(probes)")
        }
        let seed = try reader.read(UInt64.self)
        let hashedByte = try reader.read(UInt8.self)
        let width = try reader.readFloat()
        guard hashedByte <= 1 else { throw IndexFormatError.corrupt("hashed flag \(hashedByte)") }
        let hashed = hashedByte == 1
        if metric == .l2 {
            guard hashed ? (width.isFinite && width > 0) : width == 0 else {
                throw IndexFormatError.corrupt("bucket width \(width)")
            }
        } else {
            guard hashed, width == 0 else { throw IndexFormatError.corrupt("a \(metric) LSH index must be hashed, width 0") }
        }
        let count = try reader.readCount(limit: Swift.min(reader.remaining / 8, Int(Int32.max) - 1))
        guard hashed || count < widthFitMinimum else { throw IndexFormatError.corrupt("\(count) rows but not hashed") }
        let store = try KeyedVectorStore.read(count: count, dimension: dimension, metric: metric, from: &reader)
        let functions = tables * bits
        guard reader.remaining / 4 / dimension >= functions else { throw IndexFormatError.truncated }
        let projections = try reader.readFloats(count: functions * dimension)
        guard projections.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a projection is not finite") }
        let offsets = metric == .l2 ? try reader.readFloats(count: functions) : []
        guard offsets.allSatisfy({ $0 >= 0 && $0 < 1 }) else { throw IndexFormatError.corrupt("an offset is outside [0, 1)") }
        let index = LSHIndex(metric: metric, tables: tables, bits: bits, seed: seed, probes: probes,
                             projections: projections, offsets: offsets, store: store)
        index.isHashed = hashed
        index.bucketWidth = width
        if hashed {
            guard reader.remaining / 8 / tables >= count else { throw IndexFormatError.truncated }
            index.codes = try reader.readIntegers(UInt64.self, count: count * tables)
            // The GEMM's last bits differ between CPUs, so a code near a boundary may legitimately
            // differ from the writer's; most must agree.
            var checked = 0, mismatched = 0
            for row in stride(from: 0, to: count, by: Swift.max(1, count / 64)) {
                let expected = store.slab.withRow(row) { index.bucketCodes(of: $0) }
                for t in 0..<tables where expected[t] != index.codes[row * tables + t] { mismatched += 1 }
                checked += tables
            }
            guard mismatched * 8 <= checked else {
                throw IndexFormatError.corrupt("\(mismatched) of \(checked) sampled bucket codes do not match their vectors")
            }
            for row in 0..<count {
                for t in 0..<tables { index.buckets[t][index.codes[row * tables + t], default: []].append(Int32(row)) }
            }
        } else {
            index.codes = [UInt64](repeating: 0, count: count * tables)
        }
        return index
    }
}
