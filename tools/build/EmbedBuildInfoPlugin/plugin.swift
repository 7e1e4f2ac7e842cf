import Foundation
import PackagePlugin

/// Gives the target its version (VERSION) and the commit it was built from, as Swift source. The
/// command runs again whenever VERSION changes or HEAD moves (git appends to .git/logs/HEAD on every
/// commit and checkout), so `--version` never names a commit the binary was not built from.
@main
struct EmbedBuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let root = context.package.directoryURL
        let headLog = root.appending(path: ".git/logs/HEAD")
        let inputs = [root.appending(path: "VERSION")]
            + (FileManager.default.fileExists(atPath: headLog.path) ? [headLog] : [])
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo+Generated.swift")
        return [
            .buildCommand(
                displayName: "Stamping \(target.name) with VERSION and the commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [root.appending(path: "tools/build/write-build-info").path, root.path, output.path],
                inputFiles: inputs + [root.appending(path: "tools/build/write-build-info")],
                outputFiles: [output]
            )
        ]
    }
}
