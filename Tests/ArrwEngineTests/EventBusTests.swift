import ArrwEmbedding
import ArrwEngine
import Foundation
import Testing

/// Collects the next `count` events of a subscription (failing the test after `seconds`).
func take(_ count: Int, from subscription: EventSubscription, seconds: Double = 10) async throws -> [ChangeEvent] {
    try await withThrowingTaskGroup(of: [ChangeEvent].self) { group in
        group.addTask {
            var events: [ChangeEvent] = []
            for try await event in subscription {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw CancellationError()
        }
        let events = try await group.next()!
        group.cancelAll()
        return events
    }
}

/// The event bus: every durable change once, in sequence order, resumable from any kept
/// sequence (across restarts too), slow subscribers dropped with a reason.
@Suite struct EventBusTests {
    func document(_ id: String, _ value: Float = 1) -> DocumentDraft {
        DocumentDraft(id: id, title: id, chunks: [.init(text: id, embedding: [value, 1, 0, 0])])
    }

    @Test("changes arrive once each, in sequence order, with their types")
    func liveChanges() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 4))
        let subscription = try database.subscribe(filter: EventFilter(), since: nil)
        let library = try await database.createLibrary(.init(name: "events")).id.uuidString
        _ = try await database.addDocument(libraryId: library, document("a"))
        _ = try await database.replaceDocument(libraryId: library, documentId: "a", document("a", 2))
        try await database.deleteDocument(libraryId: library, documentId: "a")
        _ = try await database.updateLibrary(library, .init(description: "d"))
        try await database.deleteLibrary(library)
        let events = try await take(6, from: subscription)
        #expect(events.map(\.kind) == [.libraryCreated, .documentAdded, .documentUpdated, .documentDeleted, .libraryUpdated, .libraryDeleted])
        #expect(events.map(\.sequence) == Array(1...6))
        #expect(events[1].data["document_id"] == .string("a") && events[1].libraryId?.uuidString == library)
    }

    @Test("since resumes with exactly the missed changes; filters apply; searches are live only")
    func resumeFromMemory() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 4))
        let first = try await database.createLibrary(.init(name: "one")).id
        let second = try await database.createLibrary(.init(name: "two")).id
        for index in 0..<10 {
            _ = try await database.addDocument(libraryId: (index % 2 == 0 ? first : second).uuidString, document("d\(index)"))
        }
        _ = try await database.search(libraryId: first.uuidString, SearchQuery(vector: [1, 1, 0, 0], k: 1))
        let resumed = try database.subscribe(filter: EventFilter(libraryId: first, kinds: [.documentAdded]), since: 4)
        let live = try database.subscribe(filter: EventFilter(kinds: [.searchPerformed]), since: nil)
        _ = try await database.search(libraryId: first.uuidString, SearchQuery(vector: [1, 1, 0, 0], k: 1))
        _ = try await database.addDocument(libraryId: first.uuidString, document("late"))
        let events = try await take(4, from: resumed)
        #expect(events.map { $0.data["document_id"] } == ["d2", "d4", "d6", "d8"].map(JSONValue.string))
        #expect(events.map(\.sequence) == [5, 7, 9, 11])
        let searches = try await take(1, from: live)
        #expect(searches[0].kind == .searchPerformed && searches[0].sequence == 12 && searches[0].data["results"] == .int(1))
        #expect(try await take(1, from: resumed)[0].data["document_id"] == .string("late"))
    }

    @Test("a resume point older than what is kept is a clear error; one ahead of the log too")
    func expiredResumePoint() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 4), eventRetention: 8)
        let library = try await database.createLibrary(.init(name: "small")).id.uuidString
        for index in 0..<30 { _ = try await database.addDocument(libraryId: library, document("d\(index)")) }
        #expect {
            _ = try database.subscribe(filter: EventFilter(), since: 2)
        } throws: { ($0 as? EngineError)?.code == "resume_point_expired" && ($0 as? EngineError)?.kind == .expired }
        #expect(throws: EngineError.self) { _ = try database.subscribe(filter: EventFilter(), since: 99) }
        let recent = try database.subscribe(filter: EventFilter(), since: 28)
        #expect(try await take(3, from: recent).map(\.sequence) == [29, 30, 31])
    }

    @Test("a subscriber that stops reading is dropped with tooSlow, without slowing writers")
    func slowSubscriber() async throws {
        let database = Database(embedder: HashEmbedder(dimension: 4))
        let library = try await database.createLibrary(.init(name: "slow")).id.uuidString
        let slow = try database.subscribe(filter: EventFilter(), since: nil, queueLimit: 5)
        for index in 0..<20 { _ = try await database.addDocument(libraryId: library, document("d\(index)")) }
        #expect(database.events.statistics.activeSubscribers == 0)
        var received = 0
        await #expect(throws: SubscriptionEnd.self) {
            for try await _ in slow { received += 1 }
        }
        #expect(received == 5)
        #expect(database.events.statistics.totalPublished == 21)
    }

    @Test("after a restart, since replays the missed changes from the WAL, in order, none twice")
    func resumeAcrossRestart() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let (database, _) = try directory.open()
        let library = try await database.createLibrary(.init(name: "durable")).id.uuidString
        for index in 0..<100 { _ = try await database.addDocument(libraryId: library, document("d\(index)", Float(index))) }
        try database.close()

        let (reopened, _) = try directory.open()
        #expect(reopened.events.lastSequence == 101)
        let subscription = try reopened.subscribe(filter: EventFilter(), since: 40)
        _ = try await reopened.addDocument(libraryId: library, document("after"))
        let events = try await take(62, from: subscription)
        #expect(events.map(\.sequence) == Array(41...102))
        #expect(events.first?.data["document_id"] == .string("d39") && events.last?.data["document_id"] == .string("after"))
        let fromStart = try reopened.subscribe(filter: EventFilter(kinds: [.libraryCreated]), since: 0)
        #expect(try await take(1, from: fromStart)[0].sequence == 1, "the whole log is still on disk")
        try reopened.close()
    }
}
