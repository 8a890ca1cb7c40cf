import Glibc

/// An exclusive `flock` on `<DATA_DIR>/LOCK`, held for the life of the server, so two
/// processes never write one data directory. The kernel drops the lock when the process dies,
/// even by kill -9, so a crash never leaves a stale lock behind. The file holds the owner's pid
/// for the error message of the one turned away.
public final class DataDirectoryLock: Sendable {
    public let path: String
    private let fd: Int32

    /// Takes the lock, creating the directory and the file as needed; throws
    /// `StorageError.locked` naming the holder when another process has it.
    public init(directory: String) throws {
        try FileIO.makeDirectory(directory)
        path = directory + "/LOCK"
        fd = try FileIO.open(path, O_RDWR | O_CREAT)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let blocked = errno == EWOULDBLOCK
            let reason = FileIO.errnoText()
            let holder = (try? FileIO.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(fd)
            if blocked {
                throw StorageError.locked(path: path, holder: holder.isEmpty ? "another process" : "process \(holder)")
            }
            throw StorageError.io(operation: "flock", path: path, reason: reason)
        }
        try FileIO.truncate(fd, to: 0, path: path)
        try FileIO.writeAll(fd, Array(String(getpid()).utf8), path: path)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
