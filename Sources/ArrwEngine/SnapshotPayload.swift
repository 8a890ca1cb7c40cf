import ArrwIndex
import ArrwStorage
import Foundation
import Synchronization

/// One section kind of a version-2 snapshot payload (the table is in `Database+Snapshot.swift`).
struct SnapshotSection {
    var name: String
    var version: UInt16
    var required: Bool

    static let catalog = SnapshotSection(name: "catalog", version: 1, required: true)
    static let library = SnapshotSection(name: "library", version: LibraryStore.snapshotSectionVersion, required: true)
    static let serverPrefix = "server."

    static func server(_ component: any ServerStateComponent) -> SnapshotSection {
        SnapshotSection(name: serverPrefix + component.name, version: component.sectionVersion, required: component.sectionRequired)
    }

    /// The section's header for a body of `bodyLength` bytes.
    func framing(bodyLength: Int) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(string: name)
        writer.write(UInt8(required ? 1 : 0))
        writer.write(version)
        writer.write(UInt64(bodyLength))
        return writer.bytes
    }
}

/// A snapshot this build cannot read without losing state: a required section it does not
/// know, or a section version it has no reader for. Recovery stops on it rather than falling
/// back to an older snapshot, which would lose the same state.
struct SnapshotIncompatibility: Error, CustomStringConvertible {
    var description: String
}

/// A snapshot payload read back: the catalog, what replay needs beyond it, and the optional
/// sections skipped because this build does not know them.
struct DecodedSnapshot {
    var catalog = Database.Catalog()
    var replay = ReplayContext()
    var skippedSections: [String] = []
}

extension ServerStateSlot {
    /// The component's section body: applied-through sequence, then its own bytes.
    func encodeSnapshotSection() throws -> [UInt8] {
        try appliedThrough.withLock { appliedThrough in
            var writer = ByteWriter()
            writer.write(appliedThrough)
            writer.write(integers: try component.encodeSection())
            return writer.bytes
        }
    }
}

extension Database {
    /// Reads a snapshot payload of any version this build knows (1 or 2) into a catalog.
    /// Throws `SnapshotIncompatibility` for state it cannot read, other errors for damage.
    static func decodeSnapshot(
        _ contents: SnapshotStore.Contents, journal: Journal, serverState: [String: ServerStateSlot]
    ) throws -> DecodedSnapshot {
        var reader = ByteReader(contents.bytes, offset: contents.payload.lowerBound, end: contents.payload.upperBound)
        var decoded = DecodedSnapshot()
        switch try reader.read(UInt8.self) {
        case 1:
            try decodePayloadVersion1(&reader, journal: journal, into: &decoded)
        case 2:
            try decodeSections(&reader, journal: journal, serverState: serverState, into: &decoded)
        case let version:
            throw SnapshotIncompatibility(description: "snapshot payload version \(version) is newer than this build reads (1, 2)")
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after the last section") }
        return decoded
    }

    /// Payload version 1 (releases up to 0677ec5): UInt32 library count, then that many
    /// library sections (the same body as a version-2 `library` section, version 1).
    private static func decodePayloadVersion1(_ reader: inout ByteReader, journal: Journal, into decoded: inout DecodedSnapshot) throws {
        let count = Int(try reader.read(UInt32.self))
        for _ in 0..<count { try decodeLibrary(&reader, version: 1, journal: journal, into: &decoded) }
    }

    private static func decodeSections(
        _ reader: inout ByteReader, journal: Journal, serverState: [String: ServerStateSlot], into decoded: inout DecodedSnapshot
    ) throws {
        let count = Int(try reader.read(UInt32.self))
        var expectedLibraries: Int?
        var libraries = 0
        for _ in 0..<count {
            let name = try reader.readString()
            let required = try reader.read(UInt8.self) & 1 == 1
            let version = try reader.read(UInt16.self)
            var body = try reader.subReader(count: reader.readCount(limit: reader.remaining))
            func unreadable() -> SnapshotIncompatibility {
                SnapshotIncompatibility(description: "snapshot section '\(name)' version \(version) is newer than this build reads")
            }
            switch name {
            case SnapshotSection.catalog.name:
                guard version == 1 else { throw unreadable() }
                expectedLibraries = Int(try body.read(UInt32.self))
            case SnapshotSection.library.name:
                guard (1...SnapshotSection.library.version).contains(version) else { throw unreadable() }
                try decodeLibrary(&body, version: version, journal: journal, into: &decoded)
                libraries += 1
            default:
                if name.hasPrefix(SnapshotSection.serverPrefix), let slot = serverState[String(name.dropFirst(SnapshotSection.serverPrefix.count))] {
                    let appliedThrough = try body.read(UInt64.self)
                    do {
                        try slot.component.restore(try body.readIntegers(UInt8.self, count: body.remaining), version: version)
                    } catch let error as IndexFormatError {
                        throw error
                    } catch {
                        throw SnapshotIncompatibility(description: "snapshot section '\(name)' version \(version): \(error)")
                    }
                    slot.appliedThrough.withLock { $0 = appliedThrough }
                } else if required {
                    throw SnapshotIncompatibility(
                        description: "snapshot section '\(name)' (version \(version)) is required but unknown to this build; "
                            + "run the release that wrote it")
                } else {
                    decoded.skippedSections.append("\(name) (version \(version))")
                    continue
                }
            }
            guard body.isAtEnd else { throw IndexFormatError.corrupt("\(body.remaining) bytes left in section '\(name)'") }
        }
        guard expectedLibraries == libraries else {
            throw IndexFormatError.corrupt("the catalog lists \(expectedLibraries.map(String.init) ?? "no") libraries but \(libraries) sections hold one")
        }
    }

    private static func decodeLibrary(_ reader: inout ByteReader, version: UInt16, journal: Journal, into decoded: inout DecodedSnapshot) throws {
        switch try LibraryStore.decodeSnapshotSection(&reader, version: version, journal: journal) {
        case .deleted(let id, let appliedThrough):
            decoded.replay.deleted[id] = appliedThrough
        case .live(let store, let rebuild):
            guard decoded.catalog.libraries[store.id] == nil, decoded.catalog.idsByName[Database.LibraryName(store.settings)] == nil else {
                throw IndexFormatError.corrupt("library \(store.id) appears twice")
            }
            decoded.catalog.libraries[store.id] = store
            decoded.catalog.idsByName[Database.LibraryName(store.settings)] = store.id
            if let rebuild {
                store.lock.withWriteLock { store.applyChangeIndexLocked(rebuild.target, at: rebuild.at, sequence: store.appliedThrough) }
            }
        }
    }
}
