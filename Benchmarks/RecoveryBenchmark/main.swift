import ArrwEmbedding
import ArrwEngine
import ArrwTestSupport
import Foundation

/// arrw-recovery-bench: how fast a durable database restarts. Builds a library of N glove-50
/// vectors (the 399,000 base rows repeated with a small per-copy offset so no two are equal)
/// with an HNSW index in a fresh data directory, writes a snapshot and measures a restart from
/// it; then sets the snapshot aside and measures a restart by WAL replay alone (which rebuilds
/// the index insert by insert). Release build:
///
///     swift build -c release --package-path Benchmarks --product arrw-recovery-bench && Benchmarks/.build/release/arrw-recovery-bench [--vectors N] [--directory DIR]
///
/// `--keep` leaves the built directory in place (and skips the WAL-only restart);
/// `--restart-only [--attempts N]` then times restarts from it again without rebuilding.
var vectors = 1_000_000
var directory = NSTemporaryDirectory() + "arrw-recovery-bench"
var keep = false
var restartOnly = false
var attempts = 3
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    switch flag {
    case "--keep": keep = true
    case "--restart-only": restartOnly = true
    case "--attempts": if let value = arguments.next().flatMap(Int.init) { attempts = value } else { fallthrough }
    case "--vectors": if let value = arguments.next().flatMap(Int.init) { vectors = value } else { fallthrough }
    case "--directory": if let value = arguments.next() { directory = value } else { fallthrough }
    default:
        print("usage: arrw-recovery-bench [--vectors N] [--directory DIR] [--keep | --restart-only [--attempts N]]")
        exit(2)
    }
}

func elapsed(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return duration.seconds
}

func residentMiB() -> Int { BenchmarkServer.residentMiB(pid: getpid()) }

func directorySize(_ path: String) -> Int {
    let enumerator = FileManager.default.enumerator(atPath: path)
    var total = 0
    while let name = enumerator?.nextObject() as? String {
        total += ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name))?[.size] as? Int) ?? 0
    }
    return total
}

/// Reopens the directory, checks the library answers as before, and returns the open time.
@MainActor func restart(_ label: String, library: String?, query: [Float], expected: [String]) async throws -> Double {
    let rssBefore = residentMiB()
    let start = ContinuousClock.now
    let (reopened, report) = try Database.open(directory: directory, embedder: HashEmbedder(dimension: query.count))
    let seconds = elapsed(since: start)
    let library = library ?? reopened.listLibraries()[0].id.uuidString
    let count = try reopened.statistics(library).documentCount
    let found = try await reopened.search(libraryId: library, SearchQuery(vector: query, k: 10)).hits.map(\.documentId)
    print(String(
        format: "%@: %.2f s (snapshot load %.2f s, WAL replay %.2f s of %d records), %d documents, same top-10: %@, RSS +%d MiB",
        label, seconds, report.snapshotLoadSeconds, report.walReplaySeconds, report.walRecordsReplayed, count,
        expected.isEmpty ? "not checked" : found == expected ? "yes" : "NO", residentMiB() - rssBefore))
    precondition(expected.isEmpty || count == vectors, "documents lost")
    try reopened.close()
    return seconds
}

if restartOnly {
    for attempt in 1...attempts {
        _ = try await restart("restart from snapshot #\(attempt)", library: nil, query: [Float](repeating: 0.1, count: 50), expected: [])
    }
    exit(0)
}

guard let glove = try TexmexDataset.load("glove-50", groundTruth: "euclidean") else {
    print("the datasets folder (../shared/datasets) was not found")
    exit(1)
}
try? FileManager.default.removeItem(atPath: directory)
let embedder = HashEmbedder(dimension: glove.dimension)
print("arrw-recovery-bench: \(vectors) × \(glove.dimension)-d (glove-50 base, \(glove.baseCount) rows repeated), HNSW m=16 ef_construction=200, l2")
print("data directory: \(directory)")

var start = ContinuousClock.now
var (database, _) = try Database.open(directory: directory, embedder: embedder)
let library = try await database.createLibrary(.init(name: "glove", indexType: "hnsw", metric: "l2")).id.uuidString
for batchStart in stride(from: 0, to: vectors, by: 1000) {
    let drafts = (batchStart..<min(batchStart + 1000, vectors)).map { i -> Result<DocumentDraft, EngineError> in
        let copy = Float(i / glove.baseCount)
        let vector = glove.baseVector(i % glove.baseCount).map { $0 + copy * 1e-3 }
        return .success(DocumentDraft(id: "g\(i)", chunks: [.init(text: "", embedding: vector)]))
    }
    let outcome = try await database.addDocuments(libraryId: library, drafts)
    precondition(outcome.failed == 0, "ingest failed")
    if batchStart % 100_000 == 0 { print("  ingested \(batchStart) in \(String(format: "%.0f", elapsed(since: start))) s") }
}
let ingestSeconds = elapsed(since: start)
print(String(format: "ingest (WAL fsync per 1000-document batch, HNSW insert): %.1f s, %.0f documents/s", ingestSeconds, Double(vectors) / ingestSeconds))

let query = glove.query(0)
let expected = try await database.search(libraryId: library, SearchQuery(vector: query, k: 10)).hits.map(\.documentId)
let snapshot = try database.writeSnapshot()!
print(String(format: "snapshot: %.2f s, %.1f MB, sequence %llu", snapshot.seconds, Double(snapshot.bytes) / 1e6, snapshot.sequence))
try database.close()
print(String(format: "on disk: WAL %.1f MB, snapshots %.1f MB", Double(directorySize(directory + "/wal")) / 1e6, Double(directorySize(directory + "/snapshots")) / 1e6))

database = Database(embedder: embedder)
let fromSnapshot = try await restart("restart from snapshot", library: library, query: query, expected: expected)
if keep { exit(0) }
try FileManager.default.moveItem(atPath: directory + "/snapshots", toPath: directory + "/snapshots-aside")
let fromLog = try await restart("restart by WAL replay only", library: library, query: query, expected: expected)
print(String(format: "snapshot restart is %.1f× faster than WAL replay", fromLog / fromSnapshot))
try? FileManager.default.removeItem(atPath: directory)
