import Glibc

/// The directory of finished and in-progress export files (`batch_export` jobs): one file per
/// name, appended durably, kept for `retention` seconds after it was last written, then removed
/// by `purgeExpired`. A writer resumes an interrupted file by cutting it back to the length
/// its last checkpoint recorded.
public struct ExportFiles: Sendable {
    public let directory: String
    public let retention: Double

    /// Uses (and creates) `directory`.
    public init(directory: String, retention: Double) throws {
        self.directory = directory
        self.retention = retention
        try FileIO.makeDirectory(directory)
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// Whether the file exists.
    public func exists(_ name: String) -> Bool { access(path(name), F_OK) == 0 }

    /// Opens `name` for appending after cutting it to `length` bytes (creating it when absent).
    public func openForAppend(_ name: String, at length: Int) throws -> Writer {
        let path = self.path(name)
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT)
        do {
            try FileIO.truncate(fd, to: length, path: path)
            guard lseek(fd, off_t(length), SEEK_SET) >= 0 else {
                throw StorageError.io(operation: "lseek", path: path, reason: FileIO.errnoText())
            }
        } catch {
            close(fd)
            throw error
        }
        return Writer(fd: fd, path: path, length: length)
    }

    /// The file's bytes, or nil when it does not exist (never written, or expired).
    public func read(_ name: String) throws -> [UInt8]? {
        exists(name) ? try FileIO.readFile(path(name)) : nil
    }

    /// Removes files last written more than `retention` seconds ago; returns their names.
    @discardableResult
    public func purgeExpired(now: Double = Double(time(nil))) throws -> [String] {
        var removed: [String] = []
        for name in try FileIO.listDirectory(directory) {
            var info = stat()
            guard stat(path(name), &info) == 0, now - Double(info.st_mtim.tv_sec) > retention else { continue }
            try FileIO.remove(path(name))
            removed.append(name)
        }
        return removed
    }

    /// Removes `name` if it exists.
    public func remove(_ name: String) throws { try FileIO.remove(path(name)) }

    /// An open export file: appends, syncs, closes. Not shared between tasks.
    public final class Writer {
        let fd: Int32
        public let path: String
        /// Bytes in the file so far.
        public private(set) var length: Int

        init(fd: Int32, path: String, length: Int) {
            self.fd = fd
            self.path = path
            self.length = length
        }

        deinit { close(fd) }

        public func append(_ bytes: [UInt8]) throws {
            try FileIO.writeAll(fd, bytes, path: path)
            length += bytes.count
        }

        /// Makes every appended byte durable.
        public func sync() throws { try FileIO.syncData(fd, path: path) }
    }
}
