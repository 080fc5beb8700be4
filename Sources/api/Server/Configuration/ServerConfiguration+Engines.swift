import DormouseClient
import Foundation
import Lifecycle
import Registry

/// `DORMOUSE_ENGINES` and `DORMOUSE_ENGINE_CERTS`: the named engines besides `local`.
extension ServerConfiguration {
    /// Parses `name=url,name=url` (`unix:///path` or `tcp://host:port`); names follow the agent-name rules and
    /// appear once. A `tcp://` engine whose folder `<certificates>/<name>` exists is spoken to over TLS with the
    /// `ca.pem`, `cert.pem` and `key.pem` in it (all three must be there).
    package static func parseEngines(
        _ text: String, certificates: String?,
        folderExists: (String) -> Bool = { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        },
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) throws -> [EngineDefinition] {
        var engines: [EngineDefinition] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let entry = item.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty else { continue }
            guard let equals = entry.firstIndex(of: "=") else {
                throw ConfigurationError("DORMOUSE_ENGINES entries must be name=url, got \"\(entry)\"")
            }
            let name = String(entry[..<equals])
            let url = String(entry[entry.index(after: equals)...])
            guard AgentDefinition.isValidName(name) else {
                throw ConfigurationError(
                    "DORMOUSE_ENGINES: engine name \"\(name)\" must match ^[a-z0-9][a-z0-9_.-]{0,62}$")
            }
            guard !engines.contains(where: { $0.name == name }) else {
                throw ConfigurationError("DORMOUSE_ENGINES names engine \"\(name)\" twice")
            }
            guard url.hasPrefix("unix://") || url.hasPrefix("tcp://"), let endpoint = DockerEndpoint(dockerHost: url)
            else {
                throw ConfigurationError(
                    "DORMOUSE_ENGINES: engine \"\(name)\" must be unix:///path or tcp://host:port, got \"\(url)\"")
            }
            var tls: DockerTLSFiles?
            if endpoint.tcpHost != nil, let certificates, !certificates.isEmpty {
                let folder = (certificates.hasSuffix("/") ? String(certificates.dropLast()) : certificates) + "/\(name)"
                if folderExists(folder) {
                    let files = DockerTLSFiles(folder: folder)
                    for path in [files.caPath, files.certificatePath, files.keyPath] where !fileExists(path) {
                        throw ConfigurationError(
                            "DORMOUSE_ENGINE_CERTS: engine \"\(name)\" has a TLS folder \(folder) without \(path)")
                    }
                    tls = files
                }
            }
            engines.append(EngineDefinition(name: name, endpoint: endpoint, tls: tls))
        }
        return engines
    }

    /// Refuses plain TCP to an engine on another machine unless `insecure`.
    func validateEngines() throws {
        guard !insecure, let engine = engines.first(where: \.isPlainRemoteTCP) else { return }
        throw ConfigurationError(
            "refusing plain TCP to engine \"\(engine.name)\" at \(engine.endpoint): put ca.pem, cert.pem and key.pem in "
                + "DORMOUSE_ENGINE_CERTS/\(engine.name) for TLS, use a loopback address, or pass --insecure")
    }
}
