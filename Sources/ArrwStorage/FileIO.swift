import CArrwKernels
import Glibc

/// Thin, throwing wrappers over the POSIX calls the storage layer needs (open, full writes,
/// fsync of files and directories, truncation). Every failure becomes `StorageError.io`.
/// Linux only (`fdatasync`, `flock`), like the server's deployment target.
enum FileIO {
    static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StorageError.io(operation: "open", path: path, reason: errnoText()) }
        return fd
    }

    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            // Safe: offset < count, so the pointer and length stay inside `bytes`.
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(operation: "write", path: path, reason: errnoText())
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    /// Flushes a file's data (and the metadata needed to read it back, such as its size).
    static func syncData(_ fd: Int32, path: String) throws {
        guard fdatasync(fd) == 0 else { throw StorageError.io(operation: "fdatasync", path: path, reason: errnoText()) }
    }

    /// Makes a directory's entries (created, renamed, removed files) durable.
    static func syncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StorageError.io(operation: "fsync", path: path, reason: errnoText()) }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws {
        guard ftruncate(fd, off_t(length)) == 0 else {
            throw StorageError.io(operation: "ftruncate", path: path, reason: errnoText())
        }
    }

    /// The whole file's bytes.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError.io(operation: "stat", path: path, reason: errnoText()) }
        let size = Int(info.st_size)
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size {
                // Safe: initialized < size = the buffer's capacity; read fills what it returns.
                let count = read(fd, buffer.baseAddress! + initialized, size - initialized)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StorageError.io(operation: "read", path: path, reason: errnoText())
                }
                if count == 0 { break }
                initialized += count
            }
        }
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw StorageError.io(operation: "mkdir", path: path, reason: errnoText())
        }
    }

    /// The names in a directory (without `.` and `..`), sorted.
    static func listDirectory(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            throw StorageError.io(operation: "opendir", path: path, reason: errnoText())
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw StorageError.io(operation: "unlink", path: path, reason: errnoText())
        }
    }

    static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw StorageError.io(operation: "rename", path: to, reason: errnoText()) }
    }

    static func crc32c(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        arrw_crc32c(crc, bytes.baseAddress, bytes.count)
    }
}

/// Little-endian field access over raw bytes, for the fixed-width headers of WAL and snapshot files.
extension UnsafeRawBufferPointer {
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
