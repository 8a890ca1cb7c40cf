import Foundation

extension Array where Element: Sendable {
    /// `transform` of each element, in order, computed by one task per core on contiguous
    /// slices; serially when there are fewer than `minimumPerTask` elements for two tasks.
    /// For the per-item work of a large batch (drafting, validating, encoding documents),
    /// which would otherwise keep one core busy while the other waits.
    func concurrentMap<T: Sendable>(minimumPerTask: Int = 64, _ transform: @escaping @Sendable (Element) -> T) async -> [T] {
        let tasks = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(minimumPerTask, 1))
        guard tasks > 1 else { return map(transform) }
        let size = (count + tasks - 1) / tasks
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for start in stride(from: 0, to: count, by: size) {
                let slice = self[start..<Swift.min(start + size, count)]
                group.addTask { (start, slice.map(transform)) }
            }
            var parts: [(Int, [T])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
