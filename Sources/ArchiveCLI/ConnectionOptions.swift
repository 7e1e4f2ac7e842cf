import ArgumentParser
import Foundation
import SigmicAPI

/// Where the API is and how to authenticate. The key comes from the environment or a file, never a
/// flag: flags land in shell history and `ps`.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("API base URL (env SIGMIC_BASE_URL; default https://api.sigmic.ai).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Read the API key from this file instead of SIGMIC_API_KEY.", valueName: "file"))
    var apiKeyFile: String?

    @Flag(help: "Allow plain http:// to a host that is not loopback (the key then travels unencrypted).")
    var allowInsecureHTTP = false

    var resolvedBaseURL: String {
        if let baseURL, !baseURL.isEmpty { return baseURL }
        let fromEnv = ProcessInfo.processInfo.environment["SIGMIC_BASE_URL"] ?? ""
        return fromEnv.isEmpty ? "https://api.sigmic.ai" : fromEnv
    }

    func apiKey() throws -> String {
        if let apiKeyFile {
            guard let text = try? String(contentsOfFile: apiKeyFile, encoding: .utf8) else {
                throw CLIError(description: "cannot read the API key file \(apiKeyFile)")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw CLIError(description: "the API key file \(apiKeyFile) is empty") }
            return key
        }
        let key = (ProcessInfo.processInfo.environment["SIGMIC_API_KEY"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            throw CLIError(description: "no API key: set SIGMIC_API_KEY or pass --api-key-file FILE (never a flag: it would land in shell history)")
        }
        return key
    }

    func makeClient(http: HTTPClientBox) throws -> SigmicClient {
        var configuration = SigmicClient.Configuration(baseURL: resolvedBaseURL, apiKey: try apiKey())
        configuration.allowInsecureHTTP = allowInsecureHTTP
        do {
            return try SigmicClient(configuration, httpClient: http.client)
        } catch {
            throw CLIError(description: error.description)
        }
    }
}
