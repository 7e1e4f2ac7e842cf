import Foundation
import PackagePlugin

/// Compiles the package's migrations into the target as Swift source, so the schema travels inside the
/// executable: copying `sigmic-archive` alone to another machine still creates archives. Each store
/// module has its engine's folder: `Migrations/*.sql` for SQLite, `Migrations/postgres/*.sql` for
/// PostgreSQL (whose generated file imports ArchiveStore, where `EmbeddedMigration` lives).
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let postgres = target.name == "ArchivePostgres"
        let folder = context.package.directoryURL.appending(path: postgres ? "Migrations/postgres" : "Migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) migrations into \(target.name)",
                executable: try context.tool(named: "embed-migrations").url,
                arguments: (postgres ? ["--import", "ArchiveStore"] : []) + [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
