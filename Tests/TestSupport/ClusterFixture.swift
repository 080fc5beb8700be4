import Foundation
import Testing

/// The multi-node cluster `scripts/cluster.sh up` builds on this machine (a swarm manager n1, a swarm worker n2,
/// a plain engine n3, each a dockerd in its own network namespace), read from the environment file the script
/// writes.
///
/// The file is `DORMOUSE_CLUSTER_ENV`, by default `.build/cluster/cluster.env` under the current directory. The
/// tests that need it skip when it is absent, and fail when `DORMOUSE_REQUIRE_CLUSTER=1` (set by `make test`).
package struct ClusterFixture: Sendable {
    /// The node names the script uses.
    package enum Node: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case manager = "N1"
        case worker = "N2"
        case engine = "N3"

        package var testDescription: String { rawValue.lowercased() }
    }

    package static let environment = ProcessInfo.processInfo.environment
    package static let path = environment["DORMOUSE_CLUSTER_ENV"] ?? ".build/cluster/cluster.env"
    package static let required = environment["DORMOUSE_REQUIRE_CLUSTER"] == "1"

    /// Whether the cluster tests run: the cluster is required, or its environment file exists.
    package static var enabled: Bool { required || FileManager.default.fileExists(atPath: path) }

    /// Whether the tests of the Dormouse image run: the cluster is required, or its environment file names the
    /// image (`scripts/build-image.sh` adds it).
    package static var imageEnabled: Bool {
        required || ((try? load())?.dormouseImage != nil)
    }

    /// The variables of the environment file.
    package let values: [String: String]

    /// Reads the environment file; throws a clear error when it is missing (the cluster is required).
    package static func load() throws -> ClusterFixture {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ClusterUnavailable("no \(path): run scripts/cluster.sh up (DORMOUSE_REQUIRE_CLUSTER=1)")
        }
        return ClusterFixture(values: parse(text))
    }

    /// `KEY=value` and `KEY='value'` lines; comments and blank lines skipped.
    package static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: equals)...]
            if value.count >= 2, value.first == "'", value.last == "'" { value = value.dropFirst().dropLast() }
            values[String(line[..<equals])] = String(value)
        }
        return values
    }

    package func value(_ key: String) throws -> String {
        guard let value = values[key], !value.isEmpty else { throw ClusterUnavailable("\(Self.path) lacks \(key)") }
        return value
    }

    package var testImage: String { values["CLUSTER_TEST_IMAGE"] ?? "dormouse-test/busybox:latest" }

    /// The Dormouse image `scripts/build-image.sh` built and loaded on the nodes; nil when it has not run.
    package var dormouseImage: String? { values["CLUSTER_DORMOUSE_IMAGE"] }

    /// The Dormouse image; throws when `scripts/build-image.sh` has not added it to the environment file.
    package func requireDormouseImage() throws -> String {
        guard let image = dormouseImage else {
            throw ClusterUnavailable("\(Self.path) lacks CLUSTER_DORMOUSE_IMAGE: run scripts/build-image.sh")
        }
        return image
    }

    package func ip(_ node: Node) throws -> String { try value("CLUSTER_\(node.rawValue)_IP") }

    /// The node's engine over its unix socket.
    package func docker(_ node: Node) throws -> DockerCLI {
        DockerCLI(host: try value("CLUSTER_\(node.rawValue)_HOST"))
    }

    /// The node's engine over TCP with TLS; `clientCertificate: false` leaves out the client certificate.
    package func dockerOverTLS(_ node: Node, clientCertificate: Bool = true) throws -> DockerCLI {
        let certificates = try value("CLUSTER_CERT_PATH")
        var flags = ["--tlsverify", "--tlscacert", "\(certificates)/ca.pem"]
        if clientCertificate {
            flags += ["--tlscert", "\(certificates)/cert.pem", "--tlskey", "\(certificates)/key.pem"]
        }
        return DockerCLI(host: try value("CLUSTER_\(node.rawValue)_TCP"), flags: flags)
    }
}

/// The cluster's environment file is missing or incomplete.
package struct ClusterUnavailable: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) { self.description = description }
}
