import ArrwEmbedding
import ArrwEngine
import Foundation
import Synchronization
import Testing

/// A server-wide component for the tests: a list of notes, one per logged change.
final class NotesComponent: ServerStateComponent {
    static let noted = ChangeEvent.Kind(rawValue: "note.added")
    let name = "notes"
    let sectionVersion: UInt16
    let sectionRequired: Bool
    private let state = Mutex<[String]>([])

    init(sectionVersion: UInt16 = 1, sectionRequired: Bool = true) {
        self.sectionVersion = sectionVersion
        self.sectionRequired = sectionRequired
    }

    var notes: [String] { state.withLock { $0 } }

    func apply(_ payload: [UInt8], sequence: UInt64, at: Date) throws {
        state.withLock { $0.append(String(decoding: payload, as: UTF8.self)) }
    }

    func encodeSection() throws -> [UInt8] {
        Array(notes.joined(separator: "\n").utf8)
    }

    func restore(_ bytes: [UInt8], version: UInt16) throws {
        guard version <= sectionVersion else { throw EngineError.validation("notes section version \(version) is unknown") }
        let text = String(decoding: bytes, as: UTF8.self)
        state.withLock { $0 = text.isEmpty ? [] : text.split(separator: "\n").map(String.init) }
    }
}

/// Server-wide state: change records and events that belong to no library, replayed from the
/// log and kept in snapshot sections of their own.
@Suite struct ServerStateTests {
    func open(_ directory: DataDirectory, _ components: [any ServerStateComponent]) throws -> Database {
        try Database.open(directory: directory.path, embedder: HashEmbedder(dimension: 4), components: components).0
    }

    func note(_ database: Database, _ text: String) async throws {
        try await database.logServerChange(component: "notes", payload: Array(text.utf8), event: NotesComponent.noted, data: ["note": .string(text)])
    }

    @Test("a server-wide change publishes an event with no library, which library filters leave out")
    func eventsWithoutLibrary() async throws {
        let notes = NotesComponent()
        let database = Database(embedder: HashEmbedder(dimension: 4), components: [notes])
        let library = try await database.createLibrary(.init(name: "one")).id
        let everything = try database.subscribe(filter: EventFilter(), since: nil)
        let byType = try database.subscribe(filter: EventFilter(kinds: [NotesComponent.noted]), since: nil)
        let byLibrary = try database.subscribe(filter: EventFilter(libraryId: library), since: nil)
        try await note(database, "first")
        _ = try await database.updateLibrary(library.uuidString, .init(description: "changed"))
        let all = try await take(2, from: everything)
        #expect(all.map(\.kind) == [NotesComponent.noted, .libraryUpdated])
        #expect(all[0].libraryId == nil && all[0].data["note"] == .string("first") && all[0].sequence == 2)
        #expect(try await take(1, from: byType).map(\.sequence) == [2])
        #expect(try await take(1, from: byLibrary).map(\.kind) == [.libraryUpdated])
        #expect(notes.notes == ["first"])
        #expect(throws: EngineError.self) { try EventFilter.kinds(named: ["note.added"], field: "types") }
    }

    @Test("changes replay from the log, and from a snapshot plus the log, each once")
    func replay() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        var database = try open(directory, [NotesComponent()])
        for text in ["a", "b", "c"] { try await note(database, text) }
        try database.close()

        let fromLog = NotesComponent()
        database = try open(directory, [fromLog])
        #expect(fromLog.notes == ["a", "b", "c"])
        try database.writeSnapshot()
        try await note(database, "d")
        try database.close()

        let fromSnapshot = NotesComponent()
        database = try open(directory, [fromSnapshot])
        #expect(fromSnapshot.notes == ["a", "b", "c", "d"])
        let resumed = try database.subscribe(filter: EventFilter(kinds: [NotesComponent.noted]), since: 0)
        #expect(try await take(4, from: resumed).map { $0.data["note"] } == ["a", "b", "c", "d"].map { .string($0) })
        try database.close()
    }

    @Test("a log record of a component this build does not know stops recovery, naming it")
    func unknownComponentInLog() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let database = try open(directory, [NotesComponent()])
        try await note(database, "a")
        try database.close()
        let error = try #require(throws: EngineError.self) { try open(directory, []) }
        #expect(error.code == "recovery_failed" && error.message.contains("'notes'"))
    }

    @Test("an unknown required section refuses to start; an unknown optional one is skipped and reported")
    func unknownSections() async throws {
        for required in [true, false] {
            let directory = DataDirectory()
            defer { directory.remove() }
            let database = try open(directory, [NotesComponent(sectionRequired: required)])
            _ = try await database.createLibrary(.init(name: "kept"))
            try await note(database, "a")
            try database.writeSnapshot()
            try database.close()
            if required {
                let error = try #require(throws: EngineError.self) { try open(directory, []) }
                #expect(error.message.contains("server.notes") && error.message.contains("required"))
            } else {
                let (reopened, report) = try Database.open(directory: directory.path, embedder: HashEmbedder(dimension: 4))
                #expect(report.skippedSections == ["server.notes (version 1)"])
                #expect(reopened.listLibraries().map(\.name) == ["kept"])
                try reopened.close()
            }
        }
    }

    @Test("a section version newer than the component reads refuses to start, never falling back to an older snapshot")
    func newerSectionVersion() async throws {
        let directory = DataDirectory()
        defer { directory.remove() }
        let database = try open(directory, [NotesComponent(sectionVersion: 2)])
        try await note(database, "a")
        try database.writeSnapshot()
        try await note(database, "b")
        try database.writeSnapshot()
        try database.close()
        let error = try #require(throws: EngineError.self) { try open(directory, [NotesComponent(sectionVersion: 1)]) }
        #expect(error.message.contains("server.notes") && error.message.contains("version 2"))
    }
}
