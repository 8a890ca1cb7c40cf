import Foundation

/// Finds the folders the set-up fills (the model weights, Swagger UI's files) wherever the
/// server is started from: a relative path that does not exist under the working directory is
/// looked for under each folder above the executable, so `.build/release/arrwdb` run from
/// anywhere finds the project's `models/` and `assets/`.
enum ResourcePaths {
    /// `path` itself when it is absolute or exists from the working directory; else the first
    /// folder above `executable` that holds it; else `path` unchanged (its error names it).
    static func resolve(_ path: String, executable: String? = ResourcePaths.executablePath) -> String {
        let manager = FileManager.default
        guard !path.hasPrefix("/"), !manager.fileExists(atPath: path), let executable else { return path }
        var folder = URL(filePath: executable).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appending(path: path).path
            if manager.fileExists(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return path
    }

    /// This process's executable, symbolic links followed.
    static var executablePath: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath
    }
}
