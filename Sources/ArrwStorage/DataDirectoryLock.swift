import Glibc
import Synchronization

/// An exclusive `flock` on `<DATA_DIR>/LOCK`, held for the life of the server, so two
/// processes never write one data directory. The kernel drops the lock when the process dies,
/// even by kill -9, so a crash never leaves a stale lock behind. The file holds the owner's pid
/// for the error message of the one turned away.
public final class DataDirectoryLock: Sendable {
    public let path: String
    /// The locked file, until `release`.
    private let held: Mutex<Int32?>

    /// Takes the lock, creating the directory and the file as needed; throws
    /// `StorageError.locked` naming the holder when another process has it.
    public init(directory: String) throws {
        try FileIO.makeDirectory(directory)
        path = directory + "/LOCK"
        let fd = try FileIO.open(path, O_RDWR | O_CREAT)
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
        held = Mutex(fd)
    }

    /// Gives the lock up (also done when the lock is deallocated or the process dies).
    public func release() {
        held.withLock { fd in
            guard let open = fd else { return }
            flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    deinit {
        release()
    }
}
