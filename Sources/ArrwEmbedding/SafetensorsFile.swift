import Foundation

/// A read-only view of a `.safetensors` file: named tensors with their shapes, read as float32.
///
/// Format (the safetensors specification): an 8-byte little-endian header length `n`, then `n`
/// bytes of JSON mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
/// (offsets relative to the first byte after the header; an optional `__metadata__` entry), then
/// the tensor bytes, little-endian. Only `F32` tensors can be read as floats; asking for another
/// dtype, a missing name or a shape other than the expected one throws `EmbeddingError`.
///
/// Invariant: every tensor's byte range lies inside the file and matches its shape (checked on open).
public struct SafetensorsFile: Sendable {
    /// One tensor's description from the header.
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        public var byteRange: Range<Int>
    }

    public let path: String
    public let tensors: [String: TensorInfo]
    private let data: Data
    private let dataStart: Int

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmbeddingError("cannot read \(path)")
        }
        guard data.count >= 8 else { throw EmbeddingError("\(path) is too short to be a safetensors file") }
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        guard headerLength > 0, headerLength <= data.count - 8 else {
            throw EmbeddingError("\(path) has a header length (\(headerLength)) beyond the file")
        }
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] else {
            throw EmbeddingError("\(path) has a header that is not a JSON object")
        }
        let payload = data.count - 8 - headerLength
        var tensors: [String: TensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= payload
            else {
                throw EmbeddingError("\(path): tensor '\(name)' has a malformed header entry")
            }
            let width = ["F32": 4, "I64": 8, "F16": 2, "BF16": 2, "I32": 4, "F64": 8, "U8": 1, "I8": 1, "BOOL": 1][dtype]
            if let width, shape.reduce(width, *) != offsets[1] - offsets[0] {
                throw EmbeddingError("\(path): tensor '\(name)' has \(offsets[1] - offsets[0]) bytes for shape \(shape)")
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, byteRange: offsets[0]..<offsets[1])
        }
        self.path = path
        self.tensors = tensors
        self.data = data
        self.dataStart = 8 + headerLength
    }

    /// The float32 values of `name`, which must have exactly `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let info = tensors[name] else { throw EmbeddingError("\(path) has no tensor '\(name)'") }
        guard info.dtype == "F32" else { throw EmbeddingError("\(path): tensor '\(name)' is \(info.dtype), expected F32") }
        guard info.shape == shape else {
            throw EmbeddingError("\(path): tensor '\(name)' has shape \(info.shape), expected \(shape)")
        }
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in
                // Safe: byteRange was checked to lie inside the payload and to hold count × 4 bytes.
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[(dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)]))
            }
        }
        #if _endian(big)
        values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        return values
    }
}
