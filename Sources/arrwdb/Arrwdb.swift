import ArgumentParser
import ArrwServer
import Foundation
import Logging

/// The `arrwdb` command line: `serve` runs the server; more tools join as they land.
@main
struct Arrwdb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrwdb",
        abstract: "arrwDB, a vector database server.",
        version: ArrwServer.version,
        subcommands: [Serve.self, InspectWAL.self, VerifySnapshot.self, Embed.self, AnnBench.self],
        defaultSubcommand: Serve.self)
}

/// `arrwdb serve`: configuration from the environment (SPEC.md), overridden by flags.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the arrwDB HTTP server until SIGTERM or SIGINT.")

    @Option(help: "Address to bind (overrides HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (overrides PORT; default 8000).")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Data directory (overrides DATA_DIR; default ./data; :memory: keeps nothing).")
    var dataDir: String?

    func run() async throws {
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
        if let host { configuration.host = host }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
            configuration.port = port
        }
        if let dataDir { configuration.dataDirectory = dataDir == ":memory:" ? nil : dataDir }

        let json = configuration.logJSONFormat
        LoggingSystem.bootstrap { label in
            json ? JSONLogHandler(label: label) as any LogHandler : StreamLogHandler.standardError(label: label)
        }
        var logger = Logger(label: "arrwdb")
        logger.logLevel = configuration.logLevel

        do {
            try await ArrwServer.run(configuration: configuration, logger: logger)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error)")
        }
    }
}
