/// A damaged or foreign keyword-index encoding.
public struct BM25FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// The index as bytes, so a snapshot restores it without analyzing every text again (version 1,
/// little-endian):
///
/// | field | encoding |
/// | --- | --- |
/// | version | UInt32 (1) |
/// | k1, b | Float64 bit patterns as UInt64 |
/// | slots | UInt32 n, then n keys UInt64 and n lengths UInt32 |
/// | free slots | UInt32 count, then the slots UInt32 |
/// | terms | UInt32 count; each its UTF-8 bytes (UInt32 length first), its largest frequency UInt32, UInt32 postings count, then each posting's slot and frequency UInt32 |
///
/// Document frequencies, per-document term lists, the key map, the total length and the live
/// term count are derived on decoding.
extension BM25Index {
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + keys.count * 12 + postings.reduce(0) { $0 + $1.count * 8 + 16 } + termIds.count * 16)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        put(UInt32(1))
        put(k1.bitPattern)
        put(b.bitPattern)
        put(UInt32(keys.count))
        for key in keys { put(key) }
        for length in lengths { put(length) }
        put(UInt32(freeSlots.count))
        for slot in freeSlots { put(slot) }
        var terms = [String](repeating: "", count: postings.count)
        for (term, id) in termIds { terms[Int(id)] = term }
        put(UInt32(terms.count))
        for (id, term) in terms.enumerated() {
            put(UInt32(term.utf8.count))
            bytes.append(contentsOf: term.utf8)
            put(maxFrequency[id])
            put(UInt32(postings[id].count))
            for posting in postings[id] {
                put(posting.slot)
                put(posting.frequency)
            }
        }
        return bytes
    }

    /// Reads `encoded()`'s bytes; throws `BM25FormatError` on damage.
    public convenience init(encoded bytes: [UInt8]) throws {
        let header = try bytes.withUnsafeBytes { raw in
            var reader = RawReader(raw: raw)
            let version = try reader.u32()
            guard version == 1 else { throw BM25FormatError(description: "keyword index version \(version) is unknown") }
            return (k1: Double(bitPattern: try reader.u64()), b: Double(bitPattern: try reader.u64()))
        }
        self.init(k1: header.k1, b: header.b)
        try bytes.withUnsafeBytes { raw in
            var reader = RawReader(raw: raw, offset: 20)
            let slotCount = try reader.count(each: 12)
            keys = try (0..<slotCount).map { _ in try reader.u64() }
            lengths = try (0..<slotCount).map { _ in try reader.u32() }
            freeSlots = try (0..<(try reader.count(each: 4))).map { _ in try reader.u32() }
            var isFree = [Bool](repeating: false, count: slotCount)
            for slot in freeSlots {
                guard Int(slot) < slotCount, !isFree[Int(slot)] else { throw BM25FormatError(description: "free slots out of range or repeated") }
                isFree[Int(slot)] = true
            }
            slots.reserveCapacity(slotCount - freeSlots.count)
            for (slot, key) in keys.enumerated() where !isFree[slot] {
                guard slots.updateValue(UInt32(slot), forKey: key) == nil else { throw BM25FormatError(description: "key \(key) is in two slots") }
                totalLength += Int(lengths[slot])
            }
            var termsPerSlot = [Int](repeating: 0, count: slotCount)
            let termTotal = try reader.count(each: 12)
            termIds.reserveCapacity(termTotal)
            for id in 0..<termTotal {
                let term = try reader.string()
                guard termIds.updateValue(UInt32(id), forKey: term) == nil else { throw BM25FormatError(description: "term '\(term)' appears twice") }
                maxFrequency.append(try reader.u32())
                let postingCount = try reader.count(each: 8)
                var previous = -1
                let list = try [Posting](unsafeUninitializedCapacity: postingCount) { buffer, initialized in
                    for index in 0..<postingCount {
                        let slot = reader.uncheckedU32()
                        let posting = Posting(slot: slot, frequency: reader.uncheckedU32())
                        guard Int(slot) < slotCount, Int(slot) > previous, !isFree[Int(slot)] else {
                            throw BM25FormatError(description: "term '\(term)' has postings out of order or in a free slot")
                        }
                        previous = Int(slot)
                        termsPerSlot[Int(slot)] += 1
                        buffer.initializeElement(at: index, to: posting)
                        initialized = index + 1
                    }
                }
                postings.append(list)
                documentFrequency.append(postingCount)
                if postingCount > 0 { termCount += 1 }
            }
            guard reader.offset == raw.count else { throw BM25FormatError(description: "\(raw.count - reader.offset) bytes after the keyword index") }
            documentTerms = termsPerSlot.map { count in
                var terms: [UInt32] = []
                terms.reserveCapacity(count)
                return terms
            }
            for (id, list) in postings.enumerated() {
                for posting in list { documentTerms[Int(posting.slot)].append(UInt32(id)) }
            }
        }
    }
}

/// Little-endian reads over raw bytes, each checked against the end (the unchecked ones after
/// a `count` that checked a whole run).
struct RawReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0

    mutating func u32() throws -> UInt32 {
        guard raw.count - offset >= 4 else { throw BM25FormatError(description: "truncated at byte \(offset)") }
        return uncheckedU32()
    }

    mutating func u64() throws -> UInt64 {
        guard raw.count - offset >= 8 else { throw BM25FormatError(description: "truncated at byte \(offset)") }
        defer { offset += 8 }
        return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func uncheckedU32() -> UInt32 {
        defer { offset += 4 }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A UInt32 count of items of `each` bytes that must fit in what is left.
    mutating func count(each: Int) throws -> Int {
        let value = Int(try u32())
        guard value <= (raw.count - offset) / max(each, 1) else { throw BM25FormatError(description: "a count of \(value) overruns the bytes") }
        return value
    }

    mutating func string() throws -> String {
        let length = try count(each: 1)
        defer { offset += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]), as: UTF8.self)
    }
}
