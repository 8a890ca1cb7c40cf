import Foundation

/// A reader–writer lock over `pthread_rwlock_t`, as the engine guards a library's index (its
/// `ReadWriteLock` is internal to ArrwEngine): any number of readers at once, or one writer.
/// Writers are preferred on Linux, as in the engine. Hold it only around synchronous work.
final class ReaderWriterLock: @unchecked Sendable {
    /// The lock: allocated here, initialized in `init` before any other use, freed in `deinit`.
    private let handle = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)

    init() {
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        defer { pthread_rwlockattr_destroy(&attributes) }
        #if canImport(Glibc)
        pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        // Safe: handle points to one allocated lock, initialized once, here.
        let status = pthread_rwlock_init(handle, &attributes)
        precondition(status == 0, "pthread_rwlock_init failed: \(status)")
    }

    deinit {
        // Safe: no one holds the lock once the last reference is gone; handle is freed once, here.
        pthread_rwlock_destroy(handle)
        handle.deallocate()
    }

    /// Runs `body` holding the lock shared with other readers.
    func reading<R>(_ body: () -> R) -> R {
        holding(pthread_rwlock_rdlock, body)
    }

    /// Runs `body` holding the lock alone.
    func writing<R>(_ body: () -> R) -> R {
        holding(pthread_rwlock_wrlock, body)
    }

    private func holding<R>(_ acquire: (UnsafeMutablePointer<pthread_rwlock_t>) -> Int32, _ body: () -> R) -> R {
        // Safe: handle is an initialized lock that lives as long as self.
        let status = acquire(handle)
        precondition(status == 0, "pthread_rwlock lock failed: \(status)")
        defer { pthread_rwlock_unlock(handle) }
        return body()
    }
}
