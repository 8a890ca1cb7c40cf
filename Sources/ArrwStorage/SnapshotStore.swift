import Glibc

/// Snapshot files in one directory, named `snapshot-<sequence, 20 digits>.arws`, where the
/// sequence is the last WAL record the snapshot reflects. The payload is opaque here (the
/// engine's catalog, chunks and serialized indexes).
///
/// | offset | size | field |
/// | ---: | ---: | --- |
/// | 0 | 4 | magic `ARWS` (0x41 0x52 0x57 0x53) |
/// | 4 | 2 | format version, UInt16 little-endian (1) |
/// | 6 | 2 | reserved, 0 |
/// | 8 | 8 | sequence covered, UInt64 little-endian (= the file name) |
/// | 16 | n | payload |
/// | 16 + n | 8 | payload length n, UInt64 little-endian |
/// | 24 + n | 4 | CRC-32C of bytes 0 ..< 24 + n, UInt32 little-endian |
///
/// A snapshot is written to `<name>.tmp`, fsynced, renamed into place and the directory
/// fsynced, so a file with the final name is always whole; a crash mid-write leaves only a
/// `.tmp` file, which the next start removes. The newest `keep` snapshots are kept.
public final class SnapshotStore: Sendable {
    public static let magic: [UInt8] = Array("ARWS".utf8)
    public static let version: UInt16 = 1
    static let fileExtension = ".arws"

    /// One snapshot file on disk.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var sequence: UInt64
    }

    public let directory: String
    public let keep: Int

    /// Opens (creating) `directory` and removes leftover temporary files of interrupted writes.
    public init(directory: String, keep: Int = 2) throws {
        precondition(keep >= 1, "keep at least one snapshot")
        self.directory = directory
        self.keep = keep
        try FileIO.makeDirectory(directory)
        for name in try FileIO.listDirectory(directory) where name.hasSuffix(".tmp") {
            try FileIO.remove(directory + "/" + name)
        }
    }

    /// The snapshot files, newest (highest sequence) first.
    public func entries() throws -> [Entry] {
        try Self.entries(in: directory)
    }

    /// The snapshot files of `directory`, newest first, read without opening a store: nothing
    /// is created or removed, so tools may call it beside a live server. A missing directory
    /// has none.
    public static func entries(in directory: String) throws -> [Entry] {
        var info = stat()
        guard stat(directory, &info) == 0 else { return [] }
        return try FileIO.listDirectory(directory).compactMap { name -> Entry? in
            guard name.hasPrefix("snapshot-"), name.hasSuffix(Self.fileExtension) else { return nil }
            let digits = name.dropFirst("snapshot-".count).dropLast(Self.fileExtension.count)
            guard digits.count == 20, let sequence = UInt64(digits) else { return nil }
            return Entry(path: directory + "/" + name, sequence: sequence)
        }.sorted { $0.sequence > $1.sequence }
    }

    /// Writes a snapshot covering `sequence`: `body` streams the payload into the writer.
    /// Durable when this returns; then older snapshots beyond `keep` are deleted.
    @discardableResult
    public func write(sequence: UInt64, body: (inout SnapshotWriter) throws -> Void) throws -> Entry {
        let digits = String(sequence)
        let name = "snapshot-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + Self.fileExtension
        let path = directory + "/" + name
        let temporary = path + ".tmp"
        let fd = try FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            var writer = SnapshotWriter(fd: fd, path: temporary)
            var header = Self.magic
            header.appendLittleEndian(Self.version)
            header.appendLittleEndian(UInt16(0))
            header.appendLittleEndian(sequence)
            try writer.appendRaw(header)
            try body(&writer)
            try writer.finish()
            try FileIO.syncData(fd, path: temporary)
            close(fd)
        } catch {
            close(fd)
            try? FileIO.remove(temporary)
            throw error
        }
        try FileIO.rename(temporary, path)
        try FileIO.syncDirectory(directory)
        for old in try entries().dropFirst(keep) { try FileIO.remove(old.path) }
        return Entry(path: path, sequence: sequence)
    }

    /// A snapshot file read back and checked: the payload is `bytes[payload]` (not copied out).
    public struct Contents: Sendable {
        public var sequence: UInt64
        public var bytes: [UInt8]
        public var payload: Range<Int>
    }

    /// Reads and checks one snapshot, or throws `StorageError.badSnapshot` saying what is wrong
    /// (truncated, bad magic, version, checksum).
    public static func read(_ path: String) throws -> Contents {
        let bytes = try FileIO.readFile(path)
        func bad(_ reason: String) -> StorageError { .badSnapshot(path: path, reason: reason) }
        guard bytes.count >= 28 else { throw bad("the file is cut short (\(bytes.count) bytes)") }
        guard Array(bytes[0..<4]) == magic else { throw bad("bad magic, not an arrwDB snapshot") }
        return try bytes.withUnsafeBytes { raw in
            let version = raw.littleEndian(UInt16.self, at: 4)
            guard version == Self.version else { throw bad("unsupported snapshot format version \(version)") }
            let length = raw.littleEndian(UInt64.self, at: raw.count - 12)
            guard length == UInt64(raw.count - 28) else {
                throw bad("the trailer gives a payload of \(length) bytes but \(raw.count - 28) are present (truncated?)")
            }
            let stored = raw.littleEndian(UInt32.self, at: raw.count - 4)
            let computed = FileIO.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 4)]))
            guard stored == computed else { throw bad("checksum mismatch (stored \(stored), computed \(computed))") }
            return Contents(sequence: raw.littleEndian(UInt64.self, at: 8), bytes: bytes, payload: 16..<(raw.count - 12))
        }
    }
}

/// Streams a snapshot's payload to its temporary file in large writes, keeping the running
/// length and CRC-32C for the trailer.
public struct SnapshotWriter {
    let fd: Int32
    let path: String
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    private var payloadLength: UInt64 = 0
    static let flushBytes = 8 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.flushBytes)
    }

    /// Appends payload bytes.
    public mutating func append(_ bytes: [UInt8]) throws {
        payloadLength += UInt64(bytes.count)
        try appendRaw(bytes)
    }

    mutating func appendRaw(_ bytes: [UInt8]) throws {
        bytes.withUnsafeBytes { crc = FileIO.crc32c($0, continuing: crc) }
        if bytes.count >= Self.flushBytes {
            try flushBuffer()
            try FileIO.writeAll(fd, bytes, path: path)
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushBytes { try flushBuffer() }
    }

    mutating func finish() throws {
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(payloadLength)
        try appendRaw(trailer)
        try appendRaw(withUnsafeBytes(of: crc.littleEndian) { Array($0) })
        try flushBuffer()
    }

    private mutating func flushBuffer() throws {
        try FileIO.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}
