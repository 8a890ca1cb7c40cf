import Foundation

/// Readers for the texmex `.fvecs` / `.ivecs` files of `../shared/datasets` (see its README).
///
/// Format (little-endian, no header, no padding), repeated once per row:
///
/// | field  | width            | content                                        |
/// | ------ | ---------------- | ---------------------------------------------- |
/// | `d`    | 4 bytes, Int32   | the row's length; equal in every row, ≥ 1       |
/// | values | 4 × `d` bytes    | Float32 (`.fvecs`) or Int32 (`.ivecs`)          |
///
/// A file of `n` rows is exactly `n × 4 × (d + 1)` bytes. Values come back row-major in one flat
/// array: row `i` is `values[i * dimension ..< (i + 1) * dimension]`.
public enum VectorFile {
    /// Reads a `.fvecs` file.
    public static func readFvecs(path: String) throws -> (dimension: Int, values: [Float]) {
        let (dimension, bits) = try readRows(path: path)
        return (dimension, bits.map { Float(bitPattern: $0) })
    }

    /// Reads an `.ivecs` file.
    public static func readIvecs(path: String) throws -> (dimension: Int, values: [Int32]) {
        let (dimension, bits) = try readRows(path: path)
        return (dimension, bits.map { Int32(bitPattern: $0) })
    }

    /// The rows' 32-bit words, in host order, and the row length.
    private static func readRows(path: String) throws -> (dimension: Int, values: [UInt32]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        return try data.withUnsafeBytes { raw -> (Int, [UInt32]) in
            guard raw.count >= 4 else { throw VectorFileError.malformed(path: path, reason: "shorter than 4 bytes") }
            // Safe: raw holds at least 4 bytes.
            let d = Int(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)))
            guard d >= 1 else { throw VectorFileError.malformed(path: path, reason: "row length \(d)") }
            let rowBytes = 4 * (d + 1)
            guard raw.count % rowBytes == 0 else {
                throw VectorFileError.malformed(path: path, reason: "size \(raw.count) is not a multiple of \(rowBytes)")
            }
            let rows = raw.count / rowBytes
            var values = [UInt32](repeating: 0, count: rows * d)
            try values.withUnsafeMutableBytes { destination in
                for row in 0..<rows {
                    let offset = row * rowBytes
                    // Safe: offset + 4 <= raw.count because every row is rowBytes long.
                    let length = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    guard length == d else {
                        throw VectorFileError.malformed(path: path, reason: "row \(row) has length \(length), expected \(d)")
                    }
                    // Safe: source bytes offset + 4 ..< offset + rowBytes lie inside raw; destination
                    // bytes row * 4d ..< (row + 1) * 4d lie inside values (rows * d words).
                    (destination.baseAddress! + row * 4 * d)
                        .copyMemory(from: raw.baseAddress! + offset + 4, byteCount: 4 * d)
                }
            }
            #if _endian(big)
            for i in values.indices { values[i] = UInt32(littleEndian: values[i]) }
            #endif
            return (d, values)
        }
    }
}

/// A `.fvecs` / `.ivecs` file that does not follow the format.
public enum VectorFileError: Error, CustomStringConvertible {
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .malformed(path, reason): return "malformed vector file \(path): \(reason)"
        }
    }
}
