import ArrwIndex
import Foundation

/// The payload of a WAL data record (the WAL frames it with length, sequence and CRC-32C):
///
/// | field | encoding |
/// | --- | --- |
/// | record version | UInt8 (1) |
/// | kind | UInt8: 1 create library, 2 update library, 3 change index, 4 delete library, 5 put document, 6 delete document, 7 server state (since 0.2; a release that does not know it refuses to replay, naming the record), 8 replace vectors (since 0.3: library UUID, time, UInt32 count, then per chunk its id String, UInt32 dimension and floats), 9 create library with a text analyzer other than `english` (since 0.4: the library as kind 1, then the analyzer's name; kind 1 means `english`), 10 create library with its embedding provider's name (since 0.5: as kind 9, then the provider's name; kinds 1 and 9 leave it empty), 11 move embeddings (since 0.5: library UUID, time, provider String, model String, UInt32 dimension, UInt32 count, then per chunk its id String and `dimension` floats), 12 create library of a tenant (since 0.6: as kind 10, then the tenant's id; only a library of a tenant other than the default is written so) |
/// | body | per kind, in the order of the enum case's fields (see `encode`), using `BinaryCoding`; every kind carries the change's time |
///
/// Kind 7 (server-wide state) is the owning component's name, the time, the event type and
/// event data it publishes, then the component's own bytes (UInt32 count + bytes), so the log
/// can be read, and its events replayed to subscribers, without the component.
///
/// A library is its id, name, description, index settings (type string, parameters as a JSON
/// object), metric string, dimension (Int64, −1 for none), embedding model, metadata, created
/// and updated dates. A document is its id, title, metadata, dates and chunks (UInt32 count;
/// each id, text, metadata, UInt32 vector length and Float32 components).
extension ChangeRecord {
    static let version: UInt8 = 1

    func encode() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.version)
        switch self {
        case .createLibrary(let info):
            // Kinds 1, 9 and 10 for a library without what the later kinds add keep those
            // records as earlier releases wrote them.
            let kind: UInt8 = !info.tenantId.isEmpty ? 12 : !info.embeddingProvider.isEmpty ? 10 : info.textAnalyzer == .english ? 1 : 9
            writer.write(kind)
            writer.write(library: info)
            if kind != 1 { writer.write(string: info.textAnalyzer.rawValue) }
            if kind >= 10 { writer.write(string: info.embeddingProvider) }
            if kind == 12 { writer.write(string: info.tenantId) }
        case .updateLibrary(let id, let description, let metadata, let updatedAt):
            writer.write(UInt8(2))
            writer.write(uuid: id)
            writer.write(UInt8(description == nil ? 0 : 1))
            if let description { writer.write(string: description) }
            writer.write(UInt8(metadata == nil ? 0 : 1))
            if let metadata { writer.write(object: metadata) }
            writer.write(date: updatedAt)
        case .changeIndex(let id, let target, let at):
            writer.write(UInt8(3))
            writer.write(uuid: id)
            writer.write(indexSettings: target)
            writer.write(date: at)
        case .deleteLibrary(let id, let at):
            writer.write(UInt8(4))
            writer.write(uuid: id)
            writer.write(date: at)
        case .putDocument(let libraryId, let document):
            writer.write(UInt8(5))
            writer.write(uuid: libraryId)
            writer.write(document: document)
        case .deleteDocument(let libraryId, let documentId, let at):
            writer.write(UInt8(6))
            writer.write(uuid: libraryId)
            writer.write(string: documentId)
            writer.write(date: at)
        case .serverState(let change):
            writer.write(UInt8(7))
            writer.write(string: change.component)
            writer.write(date: change.at)
            writer.write(string: change.eventKind.rawValue)
            writer.write(object: change.eventData)
            writer.write(UInt32(change.payload.count))
            writer.write(integers: change.payload)
        case .replaceVectors(let libraryId, let replacements, let at):
            writer.write(UInt8(8))
            writer.write(uuid: libraryId)
            writer.write(date: at)
            writer.write(UInt32(replacements.count))
            for replacement in replacements {
                writer.write(string: replacement.chunkId)
                writer.write(UInt32(replacement.vector.count))
                writer.write(floats: replacement.vector)
            }
        case .moveEmbeddings(let libraryId, let binding, let replacements, let at):
            writer.write(UInt8(11))
            writer.write(uuid: libraryId)
            writer.write(date: at)
            writer.write(string: binding.provider)
            writer.write(string: binding.model)
            writer.write(UInt32(binding.dimension))
            writer.write(UInt32(replacements.count))
            for replacement in replacements {
                writer.write(string: replacement.chunkId)
                writer.write(floats: replacement.vector)
            }
        }
        return writer.bytes
    }

    /// Decodes a payload written by `encode`; damage throws (the WAL's CRC makes that rare).
    static func decode(_ bytes: [UInt8]) throws -> ChangeRecord {
        var reader = ByteReader(bytes)
        let version = try reader.read(UInt8.self)
        guard version == Self.version else { throw IndexFormatError.corrupt("unknown change record version \(version)") }
        let record: ChangeRecord
        let kind = try reader.read(UInt8.self)
        switch kind {
        case 1: record = .createLibrary(try reader.readLibrary())
        case 9:
            var info = try reader.readLibrary()
            info.textAnalyzer = try reader.readTextAnalyzer()
            record = .createLibrary(info)
        case 10, 12:
            var info = try reader.readLibrary()
            info.textAnalyzer = try reader.readTextAnalyzer()
            info.embeddingProvider = try reader.readString()
            if kind == 12 { info.tenantId = try reader.readString() }
            record = .createLibrary(info)
        case 2:
            let id = try reader.readUUID()
            let description = try reader.read(UInt8.self) == 1 ? try reader.readString() : nil
            let metadata = try reader.read(UInt8.self) == 1 ? try reader.readObject() : nil
            record = .updateLibrary(id: id, description: description, metadata: metadata, updatedAt: try reader.readDate())
        case 3: record = .changeIndex(id: try reader.readUUID(), target: try reader.readIndexSettings(), at: try reader.readDate())
        case 4: record = .deleteLibrary(id: try reader.readUUID(), at: try reader.readDate())
        case 5: record = .putDocument(libraryId: try reader.readUUID(), try reader.readDocument())
        case 6: record = .deleteDocument(libraryId: try reader.readUUID(), documentId: try reader.readString(), at: try reader.readDate())
        case 7:
            let component = try reader.readString()
            let at = try reader.readDate()
            let kind = ChangeEvent.Kind(rawValue: try reader.readString())
            let data = try reader.readObject()
            let payload = try reader.readIntegers(UInt8.self, count: Int(reader.read(UInt32.self)))
            record = .serverState(ServerStateChange(component: component, at: at, eventKind: kind, eventData: data, payload: payload))
        case 8:
            let libraryId = try reader.readUUID()
            let at = try reader.readDate()
            let count = Int(try reader.read(UInt32.self))
            var replacements: [VectorReplacement] = []
            for _ in 0..<count {
                let chunkId = try reader.readString()
                let dimension = Int(try reader.read(UInt32.self))
                replacements.append(VectorReplacement(chunkId: chunkId, vector: try reader.readFloats(count: dimension)))
            }
            record = .replaceVectors(libraryId: libraryId, replacements, at: at)
        case 11:
            let libraryId = try reader.readUUID()
            let at = try reader.readDate()
            let binding = EmbeddingBinding(provider: try reader.readString(), model: try reader.readString(), dimension: Int(try reader.read(UInt32.self)))
            let count = Int(try reader.read(UInt32.self))
            guard count.multipliedReportingOverflow(by: binding.dimension * 4).partialValue <= reader.remaining else { throw IndexFormatError.truncated }
            var replacements: [VectorReplacement] = []
            replacements.reserveCapacity(count)
            for _ in 0..<count {
                replacements.append(VectorReplacement(chunkId: try reader.readString(), vector: try reader.readFloats(count: binding.dimension)))
            }
            record = .moveEmbeddings(libraryId: libraryId, binding, replacements, at: at)
        case let kind: throw IndexFormatError.corrupt("unknown change record kind \(kind)")
        }
        guard reader.isAtEnd else { throw IndexFormatError.corrupt("\(reader.remaining) bytes after a change record") }
        return record
    }

    /// A one-line description for `arrwdb inspect-wal`.
    var summary: String {
        switch self {
        case .createLibrary(let info): "create library \(info.id.lowercased) '\(info.name)'"
        case .updateLibrary(let id, _, _, _): "update library \(id.lowercased)"
        case .changeIndex(let id, let target, _): "change index of \(id.lowercased) to \(target.type.rawValue)"
        case .deleteLibrary(let id, _): "delete library \(id.lowercased)"
        case .putDocument(let id, let document): "put document '\(document.id)' (\(document.chunks.count) chunks) in \(id.lowercased)"
        case .deleteDocument(let id, let documentId, _): "delete document '\(documentId)' in \(id.lowercased)"
        case .serverState(let change): "\(change.eventKind.rawValue) (server state '\(change.component)', \(change.payload.count) bytes)"
        case .replaceVectors(let id, let replacements, _): "replace \(replacements.count) vectors in \(id.lowercased)"
        case .moveEmbeddings(let id, let binding, let replacements, _):
            "move \(id.lowercased) to embedding model '\(binding.model)' of provider '\(binding.provider)' (\(replacements.count) vectors)"
        }
    }
}

extension UUID {
    /// The id as the API shows it.
    var lowercased: String { uuidString.lowercased() }
}

extension ByteWriter {
    mutating func write(indexSettings: IndexSettings) {
        write(string: indexSettings.type.rawValue)
        write(object: indexSettings.json)
    }

    mutating func write(library info: LibraryInfo) {
        write(uuid: info.id)
        write(string: info.name)
        write(string: info.description)
        write(indexSettings: info.index)
        write(string: info.metric.rawValue)
        write(Int64(info.dimension ?? -1))
        write(string: info.embeddingModel)
        write(object: info.metadata)
        write(date: info.createdAt)
        write(date: info.updatedAt)
    }

    mutating func write(document: DocumentRecord) {
        write(string: document.id)
        write(string: document.title)
        write(object: document.metadata)
        write(date: document.createdAt)
        write(date: document.updatedAt)
        write(UInt32(document.chunks.count))
        for chunk in document.chunks {
            write(string: chunk.id)
            write(string: chunk.text)
            write(object: chunk.metadata)
            write(UInt32(chunk.vector.count))
            write(floats: chunk.vector)
        }
    }
}

extension ByteReader {
    mutating func readIndexSettings() throws -> IndexSettings {
        let name = try readString()
        guard let type = IndexType(rawValue: name) else { throw IndexFormatError.corrupt("unknown index type '\(name)'") }
        return try IndexSettings(type: type, parameters: readObject())
    }

    mutating func readTextAnalyzer() throws -> TextAnalyzerChoice {
        let name = try readString()
        guard let choice = TextAnalyzerChoice(rawValue: name) else { throw IndexFormatError.corrupt("unknown text analyzer '\(name)'") }
        return choice
    }

    /// A library as `write(library:)` wrote it; its text analyzer is `english` (the caller
    /// reads another where the format has one).
    mutating func readLibrary() throws -> LibraryInfo {
        let id = try readUUID()
        let name = try readString()
        let description = try readString()
        let index = try readIndexSettings()
        let metricName = try readString()
        guard let metric = DistanceMetric(rawValue: metricName) else { throw IndexFormatError.corrupt("unknown metric '\(metricName)'") }
        let dimension = try read(Int64.self)
        return LibraryInfo(
            id: id, name: name, description: description, index: index, metric: metric,
            dimension: dimension < 0 ? nil : Int(dimension), embeddingModel: try readString(), metadata: try readObject(),
            createdAt: try readDate(), updatedAt: try readDate(), documentCount: 0, chunkCount: 0)
    }

    mutating func readDocument() throws -> DocumentRecord {
        let id = try readString()
        let title = try readString()
        let metadata = try readObject()
        let createdAt = try readDate()
        let updatedAt = try readDate()
        let count = Int(try read(UInt32.self))
        guard count <= remaining else { throw IndexFormatError.truncated }
        var chunks: [DocumentRecord.ChunkRecord] = []
        chunks.reserveCapacity(count)
        for _ in 0..<count {
            let chunkId = try readString()
            let text = try readString()
            let chunkMetadata = try readObject()
            let length = Int(try read(UInt32.self))
            chunks.append(.init(id: chunkId, text: text, metadata: chunkMetadata, vector: try readFloats(count: length)))
        }
        return DocumentRecord(id: id, title: title, metadata: metadata, createdAt: createdAt, updatedAt: updatedAt, chunks: chunks)
    }
}
