import ArrwEngine
import ArrwTestSupport
import Foundation
import NIOHTTP1

/// What the server holds for one document id: nothing, or exactly one version's content.
enum DocumentState: Hashable, Sendable, CustomStringConvertible {
    case absent
    case present(version: Int)

    var description: String {
        switch self {
        case .absent: "absent"
        case .present(let version): "v\(version)"
        }
    }
}

/// The crash test's model of one document id: the last acknowledged state and, when the
/// server died before answering, the state the unanswered operation would have left. After a
/// restart the server must hold one of `allowed`.
struct TrackedDocument: Sendable {
    var acknowledged = DocumentState.absent
    var inFlight: DocumentState?
    /// The highest version ever sent for this id, acknowledged or not; versions never repeat.
    var lastVersion = 0

    var allowed: [DocumentState] { [acknowledged] + (inFlight.map { [$0] } ?? []) }
}

/// The deterministic content of version `version` of document `id`: title `v<version>`, two or
/// three chunks with text `"<id> v<version> c<i>"` and 8-d embeddings on a 1/64 grid (exact in
/// `Float`, `Double` and JSON, so stored vectors compare exactly).
enum CrashDocument {
    static let dimension = 8

    static func title(_ version: Int) -> String { "v\(version)" }

    static func chunkCount(_ id: String, _ version: Int) -> Int { 2 + Int(mix(id, version, 0xC4) % 2) }

    static func text(_ id: String, _ version: Int, _ chunk: Int) -> String { "\(id) v\(version) c\(chunk)" }

    static func embedding(_ id: String, _ version: Int, _ chunk: Int) -> [Float] {
        (0..<dimension).map { component in
            Float(Int(mix(id, version, UInt64(chunk * dimension + component)) % 513) - 256) / 64
        }
    }

    /// The request body that writes this version (`id` included for POST, left to the path for PUT).
    static func body(_ id: String, _ version: Int, includeId: Bool) -> String {
        let chunks: [JSONValue] = (0..<chunkCount(id, version)).map { chunk in
            .object([
                "text": .string(text(id, version, chunk)),
                "embedding": .array(embedding(id, version, chunk).map { .double(Double($0)) }),
            ])
        }
        var object: [String: JSONValue] = ["title": .string(title(version)), "chunks": .array(chunks)]
        if includeId { object["id"] = .string(id) }
        return jsonText(.object(object))
    }

    /// FNV-1a of the id, then SplitMix64 over the version and a salt: stable across processes.
    private static func mix(_ id: String, _ version: Int, _ salt: UInt64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var generator = SeededGenerator(seed: hash ^ (UInt64(version) &* 0x9E37_79B9_7F4A_7C15) ^ (salt << 48))
        return generator.next()
    }
}

/// A flag the test sets to make writers stop after their current request, and a count of the
/// writes they have had acknowledged in this cycle.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var acknowledged = 0

    var isStopped: Bool { lock.withLock { stopped } }

    func stop() { lock.withLock { stopped = true } }

    /// Writes acknowledged so far in this cycle, by all writers.
    var acknowledgements: Int { lock.withLock { acknowledged } }

    func noteAcknowledged() { lock.withLock { acknowledged += 1 } }
}

/// What one writer did in one cycle.
struct WriterOutcome: Sendable {
    var documents: [String: TrackedDocument]
    var acknowledged = 0
    var inFlight = 0
    /// Replies that were neither 2xx nor the expected success code: test failures.
    var problems: [String] = []
}

/// One writer: a random mix of add, replace and delete on the ids it owns, one request at a
/// time, so operations on an id never overlap. It stops at the first request without a reply
/// (the server died), at the first unexpected status, or when `stop` is set.
struct CrashWriter: Sendable {
    let http: JSONHTTP
    let documentsURL: String
    let stop: StopSignal

    func run(_ documents: [String: TrackedDocument], seed: UInt64) async -> WriterOutcome {
        var outcome = WriterOutcome(documents: documents)
        var random = SeededGenerator(seed: seed)
        let ids = documents.keys.sorted()
        while !stop.isStopped, let id = ids.randomElement(using: &random), var document = outcome.documents[id] {
            precondition(document.inFlight == nil, "a cycle starts with every operation resolved")
            let version = document.lastVersion + 1
            let url = "\(documentsURL)/\(id)"
            let (method, target, expected): (HTTPMethod, DocumentState, Int) =
                switch document.acknowledged {
                case .absent: (Bool.random(using: &random) ? .POST : .PUT, .present(version: version), 201)
                case .present: Int.random(in: 0..<5, using: &random) < 3 ? (.PUT, .present(version: version), 200) : (.DELETE, .absent, 204)
                }
            if method != .DELETE { document.lastVersion = version }
            let body = method == .DELETE ? nil : CrashDocument.body(id, version, includeId: method == .POST)
            let reply: HTTPReply
            do {
                reply = try await http.send(method, method == .POST ? documentsURL : url, body)
            } catch {
                document.inFlight = target
                outcome.inFlight += 1
                outcome.documents[id] = document
                break
            }
            guard reply.isSuccess else {
                outcome.problems.append("\(method) \(id) (\(target)) answered \(reply.status): \(reply.text.prefix(300))")
                document.inFlight = target
                outcome.inFlight += 1
                outcome.documents[id] = document
                break
            }
            if reply.status != expected {
                outcome.problems.append("\(method) \(id) (\(target)) answered \(reply.status), expected \(expected) when \(document.acknowledged) was acknowledged")
            }
            document.acknowledged = target
            outcome.acknowledged += 1
            stop.noteAcknowledged()
            outcome.documents[id] = document
        }
        return outcome
    }
}
