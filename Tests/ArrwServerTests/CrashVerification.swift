import ArrwEngine
import ArrwTestSupport
import Foundation
import NIOHTTP1

/// What a restarted server was found to hold, checked against the crash test's model.
struct CrashVerification: Sendable {
    /// The state found for every id the model knows and every id the server listed.
    var found: [String: DocumentState] = [:]
    /// Durability violations, one line each; empty when the server kept its promise.
    var problems: [String] = []
    /// Documents found whole (one version exactly) in a state the model allows.
    var verified = 0
    /// Unacknowledged operations that turned out to have landed.
    var landed = 0
    /// Index searches run.
    var searches = 0
    /// The library itself was gone after the restart.
    var libraryLost = false
}

/// Checks a restarted server against the model: the library is there with its settings; every
/// document is listed (paging with `cursor`, embeddings included) in exactly one whole version
/// the model allows; no unknown ids; counts agree; the index finds a sample of documents by their
/// own vectors and returns no document the listing lacks.
struct CrashVerifier: Sendable {
    let http: JSONHTTP
    let baseURL: String
    let library: String
    /// Small, so a few dozen documents span several pages.
    var pageSize = 37
    /// Documents searched for by their own vector (plus a third as many absent ids' vectors).
    var searchSample = 12

    func verify(_ model: [String: TrackedDocument], random: inout SeededGenerator) async throws -> CrashVerification {
        var result = CrashVerification()
        let libraryURL = "\(baseURL)/v1/libraries/\(library)"
        let info = try await http.send(.GET, libraryURL)
        if info.status == 404 {
            let lost = model.values.filter { $0.acknowledged != .absent }.count
            result.libraryLost = true
            result.problems.append("library \(library) is gone after the restart (404): its acknowledged creation and \(lost) acknowledged documents were lost")
            result.found = model.mapValues { _ in .absent }
            return result
        }
        guard info.status == 200 else { throw HarnessError("GET library answered \(info.status): \(info.text)") }
        for (key, value) in [("metric", "l2"), ("index_type", "hnsw")] where info[key]?.string != value {
            result.problems.append("library \(key) is \(info[key].map(jsonText) ?? "missing") after the restart, not \"\(value)\"")
        }
        if info["dimension"]?.number != Double(CrashDocument.dimension) {
            result.problems.append("library dimension is \(info["dimension"].map(jsonText) ?? "missing") after the restart, not \(CrashDocument.dimension)")
        }

        let listed = try await listAll("\(libraryURL)/documents", problems: &result.problems)
        var chunkTotal = 0
        var whole: [(id: String, version: Int)] = []
        for (id, document) in listed {
            chunkTotal += document["chunks"]?.array?.count ?? 0
            let (version, damage) = Self.wholeVersion(id, document)
            if let damage { result.problems.append(damage) } else if let version { whole.append((id, version)) }
            result.found[id] = .present(version: version ?? -1)
        }
        let wholeIds = Set(whole.map(\.id))
        for id in Set(model.keys).union(result.found.keys).sorted() {
            let found = result.found[id] ?? .absent
            result.found[id] = found
            guard let tracked = model[id] else {
                result.problems.append("\(id): listed after the restart but never written")
                continue
            }
            if tracked.allowed.contains(found) {
                if found != tracked.acknowledged { result.landed += 1 }
                if wholeIds.contains(id) { result.verified += 1 }
            } else {
                let pending = tracked.inFlight.map { " (or \($0) from the unanswered request)" } ?? ""
                result.problems.append("\(id): acknowledged \(tracked.acknowledged)\(pending), found \(found) after the restart")
            }
        }

        let statistics = try await http.send(.GET, "\(libraryURL)/statistics")
        if statistics["document_count"]?.number != Double(listed.count) || statistics["chunk_count"]?.number != Double(chunkTotal) {
            result.problems.append(
                "statistics say \(statistics["document_count"].map(jsonText) ?? "?") documents and \(statistics["chunk_count"].map(jsonText) ?? "?") chunks; "
                    + "the listing has \(listed.count) and \(chunkTotal)")
        }
        try await checkIndex(whole: whole, model: model, into: &result, random: &random)
        return result
    }

    /// Every listed document by id, in listing order; duplicates and paging errors are problems.
    private func listAll(_ documentsURL: String, problems: inout [String]) async throws -> [(String, [String: JSONValue])] {
        var documents: [(String, [String: JSONValue])] = []
        var seen: Set<String> = []
        var cursor: String?
        for _ in 0..<10_000 {
            var url = "\(documentsURL)?limit=\(pageSize)&include_embeddings=true"
            if let cursor { url += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)" }
            let page = try await http.send(.GET, url)
            guard page.status == 200, let items = page["documents"]?.array else {
                throw HarnessError("listing documents answered \(page.status): \(page.text.prefix(500))")
            }
            for item in items {
                guard let object = item.object, let id = object["id"]?.string else {
                    problems.append("a listed document has no id: \(jsonText(item).prefix(200))")
                    continue
                }
                if seen.insert(id).inserted { documents.append((id, object)) } else { problems.append("\(id): listed twice") }
            }
            guard let next = page["next_cursor"]?.string else { return documents }
            cursor = next
        }
        throw HarnessError("listing documents did not end after 10,000 pages")
    }

    /// The version a listed document holds, or a description of how it mixes versions or lost
    /// content (title, chunk count, a chunk's text or embedding differing from its version's).
    static func wholeVersion(_ id: String, _ document: [String: JSONValue]) -> (Int?, String?) {
        guard let title = document["title"]?.string, title.hasPrefix("v"), let version = Int(title.dropFirst()) else {
            return (nil, "\(id): title \(document["title"].map(jsonText) ?? "missing") is no version of ours")
        }
        let chunks = document["chunks"]?.array ?? []
        let expected = CrashDocument.chunkCount(id, version)
        guard chunks.count == expected else {
            return (version, "\(id): v\(version) has \(chunks.count) chunks, not \(expected) (half-applied write?)")
        }
        for (index, chunk) in chunks.enumerated() {
            let text = chunk.object?["text"]?.string
            if text != CrashDocument.text(id, version, index) {
                return (version, "\(id): v\(version) chunk \(index) reads \(text.map { "\"\($0)\"" } ?? "nothing") (half-applied write?)")
            }
            let embedding = chunk.object?["embedding"]?.array?.compactMap(\.number).map(Float.init)
            if embedding != CrashDocument.embedding(id, version, index) {
                return (version, "\(id): v\(version) chunk \(index) embedding \(embedding.map { "\($0)" } ?? "missing") is not the one written")
            }
        }
        return (version, nil)
    }

    /// k=1 searches: a sample of whole documents must find themselves at distance ~0 by their
    /// chunk 0 vector; a sample of absent ids' last vectors must not return an unlisted document.
    private func checkIndex(
        whole: [(id: String, version: Int)], model: [String: TrackedDocument], into result: inout CrashVerification,
        random: inout SeededGenerator
    ) async throws {
        let found = result.found
        let absent = model.filter { found[$0.key] == .absent && $0.value.lastVersion > 0 }.map { (id: $0.key, version: $0.value.lastVersion) }.sorted { $0.id < $1.id }
        let probes = whole.shuffled(using: &random).prefix(searchSample).map { ($0, true) }
            + absent.shuffled(using: &random).prefix(searchSample / 3).map { ($0, false) }
        for ((id, version), isPresent) in probes {
            let vector = CrashDocument.embedding(id, version, 0).map { JSONValue.double(Double($0)) }
            let reply = try await http.send(
                .POST, "\(baseURL)/v1/libraries/\(library)/search", jsonText(.object(["query_vector": .array(vector), "k": .int(1)])))
            result.searches += 1
            guard reply.status == 200, let results = reply["results"]?.array else {
                result.problems.append("search for \(id)'s vector answered \(reply.status): \(reply.text.prefix(300))")
                continue
            }
            let top = results.first?.object
            let topId = top?["document_id"]?.string
            let distance = top?["distance"]?.number ?? .infinity
            if isPresent && (topId != id || distance > 1e-3) {
                result.problems.append("index: searching \(id) v\(version)'s chunk 0 vector found \(topId ?? "nothing") at distance \(distance), not \(id) at 0")
            }
            if let topId, found[topId] == nil || found[topId] == .absent {
                result.problems.append("index: a search returned \(topId), which the listing does not have (a ghost in the index)")
            }
        }
    }
}
