import ArrwTestSupport
import Foundation
import NIOHTTP1
import Testing

/// SPEC.md, "Durability promise": an acknowledged write survives `kill -9`. A real `arrwdb`
/// child process takes concurrent adds, replacements and deletes; it is killed with `SIGKILL` at
/// a random moment, restarted on the same data directory, and must then hold every acknowledged
/// write, whole, in its listing, its counts and its index. Unanswered requests may or may not
/// have landed, but not half. `ARRW_CRASH_CYCLES` (default 20) sets the number of crashes,
/// `ARRW_CRASH_SEED` replays a run's random choices (not its timing). Run alone with
/// `scripts/crash-test`.
@Suite(.serialized) struct CrashRecoveryTests {
    static let writers = 8
    static let idsPerWriter = 12

    @Test(.timeLimit(.minutes(10)))
    func acknowledgedWritesSurviveKillNine() async throws {
        let cycles = try Self.setting("ARRW_CRASH_CYCLES", default: 20, in: 1...100_000)
        let seed = UInt64(try Self.setting("ARRW_CRASH_SEED", default: Int.random(in: 1...999_999), in: 0...Int.max))
        print("crash test: \(cycles) cycles, \(Self.writers) writers, seed \(seed) (ARRW_CRASH_SEED)")
        var random = SeededGenerator(seed: seed)
        try await CrashHarness.run { harness in
            var server = try await harness.start()
            var library = try await harness.createLibrary(on: server, name: "crash")
            var model = CrashModel(writers: Self.writers, idsPerWriter: Self.idsPerWriter)
            var failedCycles = 0
            for cycle in 1...cycles {
                let stop = StopSignal()
                // Every fourth cycle writes for over a second, so the server (started a cycle
                // earlier, with a one-second snapshot interval) is likely killed after a snapshot.
                let writingTime = cycle % 4 == 0 ? Int.random(in: 1000...1600, using: &random) : Int.random(in: 100...600, using: &random)
                let writerSeed = random.next()
                let writes = "\(server.baseURL)/v1/libraries/\(library)/documents"
                let before = model
                async let writing = before.write(harness.http, to: writes, stop: stop, seed: writerSeed)
                try await Task.sleep(for: .milliseconds(writingTime))
                // A busy machine may be slow to answer the first write after a restart: the kill
                // waits (up to 30 s) until at least one write is acknowledged, so every cycle
                // tests something; a server that never acknowledges fails the check below.
                for _ in 0..<300 where stop.acknowledgements == 0 { try await Task.sleep(for: .milliseconds(100)) }
                if !server.isRunning {
                    Issue.record("cycle \(cycle): arrwdb exited by itself while writers ran; its log:\n\(server.logTail())")
                }
                await server.crash()
                stop.stop()
                let tally = await writing
                // A cycle without an acknowledged write would test nothing (a server too slow
                // to answer, or writers that never reached it): it fails rather than passes.
                #expect(tally.acknowledged > 0, "cycle \(cycle): no write was acknowledged in \(writingTime) ms (seed \(seed))")
                model.absorb(tally)
                recordProblems("cycle \(cycle): unexpected replies while writing (seed \(seed)):", tally.problems)

                let clock = ContinuousClock()
                let restartBegan = clock.now
                server = try await harness.start()
                let restartMilliseconds = Int((clock.now - restartBegan) / .milliseconds(1))
                let verifier = CrashVerifier(http: harness.http, baseURL: server.baseURL, library: library)
                let found = try await verifier.verify(model.documents, random: &random)
                print(
                    "cycle \(cycle)/\(cycles): \(tally.acknowledged) acknowledged, \(tally.inFlight) in flight (\(found.landed) landed), "
                        + "\(found.verified) documents verified, \(found.searches) searches; killed after \(writingTime) ms, "
                        + "ready again in \(restartMilliseconds) ms; \(harness.dataSummary())"
                        + (found.problems.isEmpty ? "" : "; \(found.problems.count) PROBLEMS"))
                if !found.problems.isEmpty {
                    failedCycles += 1
                    recordProblems(
                        "cycle \(cycle): \(found.problems.count) durability problems after kill -9 and restart (seed \(seed)):",
                        found.problems,
                        footer: "log of the restarted server (\(server.logFile.lastPathComponent)):\n\(server.logTail(lines: 15))")
                }
                model.resolve(found.found)
                if found.libraryLost {
                    library = try await harness.createLibrary(on: server, name: "crash-\(cycle)")
                }
            }
            print("crash test: \(cycles - failedCycles) of \(cycles) cycles kept every acknowledged write")
        }
    }

    /// The harness checks itself: with no crash, writers stopped cleanly and the same server
    /// still running, verification must find nothing wrong. A failure here is the harness's
    /// (or the API's), not durability's.
    @Test(.timeLimit(.minutes(2)))
    func verificationPassesWhenNothingCrashes() async throws {
        var random = SeededGenerator(seed: 42)
        try await CrashHarness.run { harness in
            let server = try await harness.start()
            let library = try await harness.createLibrary(on: server, name: "steady")
            var model = CrashModel(writers: Self.writers, idsPerWriter: Self.idsPerWriter)
            for phase in 1...2 {
                let stop = StopSignal()
                let (before, seed) = (model, random.next())
                async let writing = before.write(harness.http, to: "\(server.baseURL)/v1/libraries/\(library)/documents", stop: stop, seed: seed)
                // Long enough for writes to be acknowledged on a loaded CI machine (300 ms once got none).
                try await Task.sleep(for: .milliseconds(1500))
                stop.stop()
                let tally = await writing
                model.absorb(tally)
                #expect(tally.problems.isEmpty, "phase \(phase): \(tally.problems)")
                #expect(tally.inFlight == 0)
                #expect(tally.acknowledged > 0)
                let verifier = CrashVerifier(http: harness.http, baseURL: server.baseURL, library: library)
                let found = try await verifier.verify(model.documents, random: &random)
                #expect(found.problems.isEmpty, "phase \(phase): \(found.problems)")
                #expect(found.landed == 0)
                #expect(found.verified == model.documents.values.filter { $0.acknowledged != .absent }.count)
                #expect(found.searches > 0)
                model.resolve(found.found)
            }
        }
    }

    /// The verifier catches what a bad recovery would do: a lost document, a half-applied one, a
    /// version that was never written and a stranger are reported, while an unanswered request
    /// that landed and one that did not are both accepted.
    @Test(.timeLimit(.minutes(2)))
    func verificationReportsLostHalfAndForeignDocuments() async throws {
        var random = SeededGenerator(seed: 7)
        try await CrashHarness.run { harness in
            let server = try await harness.start()
            let library = try await harness.createLibrary(on: server, name: "tampered")
            let documents = "\(server.baseURL)/v1/libraries/\(library)/documents"
            var model = CrashModel(writers: Self.writers, idsPerWriter: Self.idsPerWriter)
            var present: [String] = []
            for _ in 0..<10 where present.count < 5 {
                let stop = StopSignal()
                let (before, seed) = (model, random.next())
                async let writing = before.write(harness.http, to: documents, stop: stop, seed: seed)
                try await Task.sleep(for: .milliseconds(300))
                stop.stop()
                model.absorb(await writing)
                present = model.documents.filter { $0.value.acknowledged != .absent }.map(\.key).sorted()
            }
            try #require(present.count >= 5, "the writers left only \(present.count) documents")
            let (lost, half, unwritten, landed, missed) = (present[0], present[1], present[2], present[3], present[4])

            let lastVersions = model.documents.mapValues(\.lastVersion)
            let lastOf = { (id: String) in lastVersions[id] ?? 0 }
            let halfBody = #"{"title": "v\#(lastOf(half))", "chunks": [{"text": "\#(CrashDocument.text(half, lastOf(half), 0))", "embedding": \#(CrashDocument.embedding(half, lastOf(half), 0))}]}"#
            let changes: [(HTTPMethod, String, String?)] = [
                (.DELETE, "\(documents)/\(lost)", nil),
                (.PUT, "\(documents)/\(half)", halfBody),
                (.PUT, "\(documents)/\(unwritten)", CrashDocument.body(unwritten, lastOf(unwritten) + 50, includeId: false)),
                (.PUT, "\(documents)/\(landed)", CrashDocument.body(landed, lastOf(landed) + 1, includeId: false)),
                (.POST, documents, CrashDocument.body("stranger", 1, includeId: true)),
            ]
            for (method, url, body) in changes {
                let reply = try await harness.http.send(method, url, body)
                try #require(reply.isSuccess, "\(method) \(url): \(reply.status) \(reply.text)")
            }
            model.documents[landed]?.inFlight = .present(version: lastOf(landed) + 1)
            model.documents[landed]?.lastVersion += 1
            model.documents[missed]?.inFlight = .absent

            let verifier = CrashVerifier(http: harness.http, baseURL: server.baseURL, library: library)
            let found = try await verifier.verify(model.documents, random: &random)
            let reported = Set(found.problems.compactMap { $0.split(separator: ":").first.map(String.init) })
            #expect(reported == [lost, half, unwritten, "stranger"], "\(found.problems)")
            #expect(found.problems.contains { $0.hasPrefix("\(half): v\(lastOf(half)) has 1 chunks") }, "\(found.problems)")
            #expect(found.landed == 1)
            #expect(found.found[lost] == .absent && found.found[missed] == model.documents[missed]?.acknowledged)
        }
    }

    /// An integer from the environment, or `fallback` when unset.
    static func setting(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw HarnessError("\(name)=\(text) is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
