import Foundation

/// Job ids in the order they were submitted, with O(1) append and removal (a removed id leaves
/// a hole that is compacted away once holes outnumber ids), so a queue of thousands of waiting
/// jobs costs nothing per job that finishes.
struct SubmissionOrder {
    private var slots: [UUID?] = []
    private var positions: [UUID: Int] = [:]

    init(_ ids: [UUID] = []) {
        for id in ids { append(id) }
    }

    var count: Int { positions.count }

    mutating func append(_ id: UUID) {
        guard positions[id] == nil else { return }
        positions[id] = slots.count
        slots.append(id)
    }

    mutating func remove(_ id: UUID) {
        guard let position = positions.removeValue(forKey: id) else { return }
        slots[position] = nil
        if slots.count > 64 && slots.count > 2 * positions.count { compact() }
    }

    /// The ids, oldest first.
    var ids: [UUID] { slots.compactMap { $0 } }

    /// The first id, oldest first, for which `body` is true.
    func first(where body: (UUID) -> Bool) -> UUID? {
        for case let id? in slots where body(id) { return id }
        return nil
    }

    private mutating func compact() {
        let live: [UUID] = slots.compactMap { $0 }
        slots = live
        for (position, id) in live.enumerated() { positions[id] = position }
    }
}
