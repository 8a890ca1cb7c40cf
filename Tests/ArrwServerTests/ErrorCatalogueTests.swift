import ArrwEngine
import ArrwServer
import Foundation
import Testing

/// The error catalogues (`EngineError.Code`, `ServerErrorCodes.swift`) hold every code a client
/// can see, and nothing in `Sources` spells a code anywhere else.
@Suite struct ErrorCatalogueTests {
    /// The catalogues, and the OpenAPI document, whose `ErrorCode` schema `OpenAPITests` holds to them.
    static let catalogueFiles: Set<String> = ["EngineError+Code.swift", "ServerErrorCodes.swift", "OpenAPIDocument+JSON.swift"]

    @Test("every code is listed once, in snake_case, with a 4xx/5xx status (none for stream endings) and a summary")
    func catalogueIsWellFormed() {
        let codes = ErrorCatalogue.all.map(\.code)
        #expect(Set(codes).count == codes.count, "a code is listed twice: \(codes)")
        for entry in ErrorCatalogue.all {
            #expect(entry.code.range(of: "^[a-z]+(_[a-z]+)*$", options: .regularExpression) != nil, "\(entry.code)")
            #expect(entry.status.map { (400..<600).contains($0) } ?? true, "\(entry.code)")
            #expect(entry.summary.count > 10, "\(entry.code) has no summary")
        }
        #expect(Set(EngineError.Code.allCases.map(\.rawValue)).isSubset(of: codes))
        let statuses = Dictionary(ErrorCatalogue.all.map { ($0.code, $0.status) }, uniquingKeysWith: { a, _ in a })
        #expect(statuses["validation_error"] == 400 && statuses["library_not_found"] == 404 && statuses["duplicate_name"] == 409)
        #expect(statuses["resume_point_expired"] == 410 && statuses["storage_unavailable"] == 503 && statuses["recovery_failed"] == 500)
        #expect(statuses["unauthorized"] == 401 && statuses["rate_limited"] == 429 && statuses["payload_too_large"] == 413)
        #expect(statuses["subscriber_too_slow"] == .some(nil))
    }

    @Test("no source file mints a code inline or spells a catalogued code outside the catalogues")
    func noCodeOutsideTheCatalogues() throws {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appending(path: "Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 50, "found the sources at \(sources.path)")
        let known = Set(ErrorCatalogue.all.map(\.code))
        let minting = [#"code: ""#, #""code": .string(""#, #""code": ""#]
        for file in files where !Self.catalogueFiles.contains(file.lastPathComponent) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for pattern in minting {
                #expect(!text.contains(pattern), "\(file.lastPathComponent) mints an error code inline (\(pattern))")
            }
            let literals = text.matches(of: /"([a-z]+(?:_[a-z]+)*)"/).map { String($0.output.1) }
            let spelled = Set(literals).intersection(known)
            #expect(spelled.isEmpty, "\(file.lastPathComponent) spells \(spelled.sorted()) instead of using the catalogue")
        }
    }
}
