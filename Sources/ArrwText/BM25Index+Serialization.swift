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
        var offset = 0
        func take<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard bytes.count - offset >= MemoryLayout<T>.size else { throw BM25FormatError(description: "truncated at byte \(offset)") }
            var value = T.zero
            withUnsafeMutableBytes(of: &value) { target in
                bytes.withUnsafeBytes { source in target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + MemoryLayout<T>.size])) }
            }
            offset += MemoryLayout<T>.size
            return T(littleEndian: value)
        }
        func count(_ each: Int) throws -> Int {
            let value = Int(try take(UInt32.self))
            guard value <= (bytes.count - offset) / max(each, 1) else { throw BM25FormatError(description: "a count of \(value) overruns the bytes") }
            return value
        }
        let version = try take(UInt32.self)
        guard version == 1 else { throw BM25FormatError(description: "keyword index version \(version) is unknown") }
        self.init(k1: Double(bitPattern: try take(UInt64.self)), b: Double(bitPattern: try take(UInt64.self)))
        let slotCount = try count(12)
        keys = try (0..<slotCount).map { _ in try take(UInt64.self) }
        lengths = try (0..<slotCount).map { _ in try take(UInt32.self) }
        freeSlots = try (0..<(try count(4))).map { _ in try take(UInt32.self) }
        let free = Set(freeSlots)
        guard free.allSatisfy({ Int($0) < slotCount }), free.count == freeSlots.count else {
            throw BM25FormatError(description: "free slots out of range or repeated")
        }
        slots.reserveCapacity(slotCount - free.count)
        for (slot, key) in keys.enumerated() where !free.contains(UInt32(slot)) {
            guard slots.updateValue(UInt32(slot), forKey: key) == nil else { throw BM25FormatError(description: "key \(key) is in two slots") }
            totalLength += Int(lengths[slot])
        }
        documentTerms = Array(repeating: [], count: slotCount)
        let termTotal = try count(12)
        termIds.reserveCapacity(termTotal)
        for id in 0..<termTotal {
            let length = try count(1)
            let term = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
            offset += length
            guard termIds.updateValue(UInt32(id), forKey: term) == nil else { throw BM25FormatError(description: "term '\(term)' appears twice") }
            maxFrequency.append(try take(UInt32.self))
            let postingCount = try count(8)
            var list: [Posting] = []
            list.reserveCapacity(postingCount)
            for _ in 0..<postingCount {
                let posting = Posting(slot: try take(UInt32.self), frequency: try take(UInt32.self))
                guard Int(posting.slot) < slotCount, !free.contains(posting.slot), list.last.map({ $0.slot < posting.slot }) ?? true else {
                    throw BM25FormatError(description: "term '\(term)' has postings out of order or in a free slot")
                }
                list.append(posting)
                documentTerms[Int(posting.slot)].append(UInt32(id))
            }
            postings.append(list)
            documentFrequency.append(postingCount)
            if postingCount > 0 { termCount += 1 }
        }
        guard offset == bytes.count else { throw BM25FormatError(description: "\(bytes.count - offset) bytes after the keyword index") }
    }
}
