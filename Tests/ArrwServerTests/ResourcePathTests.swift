import Foundation
import Testing

@testable import ArrwServer

/// The set-up's folders are found from the executable's place when the working directory is elsewhere.
@Suite struct ResourcePathTests {
    @Test("a relative path missing under the working directory is found above the executable; absolute and present paths stay as they are")
    func resolvesAboveTheExecutable() throws {
        let project = FileManager.default.temporaryDirectory.appending(path: "arrwdb-project-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: project) }
        let models = project.appending(path: "models/mini")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let executable = project.appending(path: ".build/x86_64-unknown-linux-gnu/release/arrwdb").path
        #expect(ResourcePaths.resolve("models/mini", executable: executable) == models.path)
        #expect(ResourcePaths.resolve("models/none", executable: executable) == "models/none")
        #expect(ResourcePaths.resolve("/abs/models", executable: executable) == "/abs/models")
        #expect(ResourcePaths.resolve("Package.swift", executable: executable) == "Package.swift", "present under the working directory")
    }
}
