import Dispatch
import Glibc
import Synchronization

extension WriteAheadLog {
    /// Writes and syncs every appended record, whatever the sync mode; returns the last
    /// sequence that is now on disk.
    @discardableResult
    public func sync() throws -> UInt64 {
        try queue.sync {
            try drainLocked()
            try syncActive()
            return state.withLock { $0.durableThrough }
        }
    }

    /// Syncs everything and starts a new segment, so the records up to now can later be dropped
    /// as whole files. Returns the last sequence in the sealed segment. Does nothing to an empty
    /// segment.
    @discardableResult
    public func rotate() throws -> UInt64 {
        try queue.sync {
            try drainLocked()
            let written = state.withLock { $0.durableThrough }
            if active.size > WALFormat.segmentHeaderSize { try startSegment(firstSequence: written + 1) }
            return written
        }
    }

    /// Deletes the segments whose records all have sequences ≤ `sequence` (never the segment
    /// being appended to), then syncs the directory. Returns how many files were removed.
    @discardableResult
    public func removeSegments(coveredThrough sequence: UInt64) throws -> Int {
        try queue.sync {
            var removed = 0
            while segments.count > 1 && segments[1] <= sequence + 1 {
                try FileIO.remove(directory + "/" + WALFormat.segmentName(firstSequence: segments[0]))
                segments.removeFirst()
                removed += 1
            }
            if removed > 0 { try FileIO.syncDirectory(directory) }
            return removed
        }
    }

    /// The first sequences of the segments on disk, oldest first.
    public var segmentFirstSequences: [UInt64] { queue.sync { segments } }

    /// Writes and syncs what is pending, then closes the file; later appends throw `closed`.
    /// Closing a closed log does nothing.
    public func close() throws {
        let wasClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        syncTimer?.cancel()
        try queue.sync {
            try drainLocked()
            try syncActive()
            Glibc.close(active.fd)
        }
    }

    /// Writes and syncs every pending record now (on `queue`).
    private func drainLocked() throws {
        while let batch = try takeBatch() { try write(batch, forceSync: true) }
    }
}
