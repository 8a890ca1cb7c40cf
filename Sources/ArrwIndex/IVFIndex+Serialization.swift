extension IVFIndex {
    /// Writes the centroids and every list as it is (loading neither trains nor reassigns).
    ///
    /// Payload (all little-endian; inside the ``IndexCodec`` envelope, type tag 5):
    ///
    /// | field | width | content |
    /// | --- | --- | --- |
    /// | dimension | UInt32 | d, 1 ... 2²⁰ |
    /// | metric | UInt8 | 0 cosine, 1 l2, 2 dot |
    /// | nlist | UInt32 | 1 ... 65,536 |
    /// | nprobe | UInt32 | ≥ 1 |
    /// | seed | UInt64 | the training seed |
    /// | trained | UInt8 | 1 when trained, else 0 |
    /// | trainedCount | UInt64 | the count at the last training (≥ 4 × nlist); 0 when not trained |
    /// | centroids | nlist × d × Float32 | trained only: finite |
    /// | lists | nlist lists when trained, else the one untrained list | per list: count m UInt64, m keys UInt64, m × d Float32 vectors |
    ///
    /// Reading checks every field: keys are distinct across lists, vectors finite (unit length
    /// ± 10⁻³ for cosine), an untrained index holds fewer than `4 × nlist` vectors.
    public func writePayload(to writer: inout ByteWriter) {
        writer.write(UInt32(dimension))
        writer.write(metric.tag)
        writer.write(UInt32(nlist))
        writer.write(UInt32(nprobe))
        writer.write(seed)
        writer.write(UInt8(isTrained ? 1 : 0))
        writer.write(UInt64(trainedCount))
        writer.write(floats: centroids)
        for list in isTrained ? lists : [untrained] {
            writer.write(UInt64(list.count))
            list.write(to: &writer)
        }
    }

    public static func readPayload(from reader: inout ByteReader) throws -> IVFIndex {
        let dimension = Int(try reader.read(UInt32.self))
        guard (1...(1 << 20)).contains(dimension) else { throw IndexFormatError.corrupt("dimension \(dimension)") }
        let metric = try DistanceMetric(tag: reader.read(UInt8.self))
        let nlist = Int(try reader.read(UInt32.self))
        let nprobe = Int(try reader.read(UInt32.self))
        guard (1...65_536).contains(nlist), nprobe >= 1 else {
            throw IndexFormatError.corrupt("nlist \(nlist), nprobe \(nprobe)")
        }
        let seed = try reader.read(UInt64.self)
        let trainedByte = try reader.read(UInt8.self)
        guard trainedByte <= 1 else { throw IndexFormatError.corrupt("trained flag \(trainedByte)") }
        let trained = trainedByte == 1
        let trainedCount = try reader.readCount(limit: Int(Int32.max))
        guard trained ? trainedCount >= trainingMultiple * nlist : trainedCount == 0 else {
            throw IndexFormatError.corrupt("trained count \(trainedCount)")
        }
        let index = IVFIndex(dimension: dimension, metric: metric, nlist: nlist, nprobe: nprobe, seed: seed)
        index.trainedCount = trainedCount
        if trained {
            guard reader.remaining / 4 / dimension >= nlist else { throw IndexFormatError.truncated }
            let centroids = try reader.readFloats(count: nlist * dimension)
            guard centroids.allSatisfy(\.isFinite) else { throw IndexFormatError.corrupt("a centroid is not finite") }
            index.setCentroids(centroids)
        }
        for number in trained ? 0..<nlist : -1 ..< 0 {
            let size = try reader.readCount(limit: Swift.min(reader.remaining / 8, Int(Int32.max) - 1 - index.count))
            let list = try KeyedVectorStore.read(count: size, dimension: dimension, metric: metric, from: &reader)
            for key in list.keys {
                guard index.listOfKey.updateValue(Int32(number), forKey: key) == nil else {
                    throw IndexFormatError.corrupt("key \(key) appears twice")
                }
            }
            if trained { index.lists.append(list) } else { index.untrained = list }
        }
        guard trained || index.count < trainingMultiple * nlist else {
            throw IndexFormatError.corrupt("\(index.count) vectors but not trained")
        }
        return index
    }
}
