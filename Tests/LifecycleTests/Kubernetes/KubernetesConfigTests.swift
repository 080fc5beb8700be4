import Foundation
import NIOPosix
import Testing

@testable import Lifecycle

@Suite("KubernetesConnection from a kubeconfig and in a cluster")
struct KubernetesConfigTests {
    static let pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"

    /// As kubectl writes it: sequences at their key's indentation, quoted and plain scalars, comments.
    static let kubeconfig = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(Data(pem.utf8).base64EncodedString())
            server: https://203.0.113.7:6443
          name: prod
        - cluster:
            server: "https://other.example:443"  # not used
            insecure-skip-tls-verify: true
          name: other
        contexts:
        - context:
            cluster: prod
            namespace: agents
            user: dormouse
          name: prod-agents
        - context:
            cluster: other
            user: 'cert-user'
          name: other
        current-context: prod-agents
        kind: Config
        preferences: {}
        users:
        - name: dormouse
          user:
            token: "eyJhbGciOi.token"
        - name: cert-user
          user:
            client-certificate-data: AAAA
            client-key-data: BBBB
        """

    @Test func theCurrentContextGivesServerTokenCAAndNamespace() throws {
        let connection = try KubernetesConnection.kubeconfig(Self.kubeconfig) { _ in
            Issue.record("no file"); return ""
        }
        #expect(connection.server == "https://203.0.113.7:6443")
        #expect(connection.token == "eyJhbGciOi.token")
        #expect(connection.certificateAuthorityPEM == Self.pem)
        #expect(connection.namespace == "agents")
        #expect(!connection.skipsTLSVerification)
    }

    @Test func aClientCertificateUserIsRefusedByName() throws {
        let error = #expect(throws: KubernetesConfigError.self) {
            _ = try KubernetesConnection.kubeconfig(Self.kubeconfig, context: "other") { _ in "" }
        }
        #expect(error?.message.contains("client-certificate-data") == true)
    }

    @Test func aTokenFileAndACAFileAreReadRelativeToTheKubeconfig() throws {
        let text = """
            clusters:
              - name: c
                cluster:
                  server: https://kind:6443/
                  certificate-authority: ca.crt
            users:
              - name: u
                user:
                  tokenFile: token
            contexts:
              - name: x
                context: {cluster: c, user: u}
            current-context: x
            """
        // A flow mapping is beyond the supported subset: refused with its line.
        #expect(throws: KubernetesConfigError.self) { _ = try KubernetesConnection.kubeconfig(text) { _ in "" } }
        let block = text.replacingOccurrences(
            of: "context: {cluster: c, user: u}", with: "context:\n          cluster: c\n          user: u")
        let files = ["ca.crt": Self.pem, "token": "file-token\n"]
        let connection = try KubernetesConnection.kubeconfig(block) { files[$0] ?? "" }
        #expect(connection.server == "https://kind:6443")
        #expect(connection.token == "file-token")
        #expect(connection.certificateAuthorityPEM == Self.pem)
        #expect(connection.namespace == "default")
    }

    @Test func aMissingContextIsNamed() {
        let error = #expect(throws: KubernetesConfigError.self) {
            _ = try KubernetesConnection.kubeconfig(Self.kubeconfig, context: "nowhere") { _ in "" }
        }
        #expect(error?.message == "the kubeconfig has no context named nowhere")
    }

    @Test func inAClusterTheServiceAccountFilesAreRead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString)").path
        // File work stays off the cooperative pool.
        let connection = try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try "sa-token\n".write(toFile: "\(folder)/token", atomically: true, encoding: .utf8)
            try Self.pem.write(toFile: "\(folder)/ca.crt", atomically: true, encoding: .utf8)
            try "agents".write(toFile: "\(folder)/namespace", atomically: true, encoding: .utf8)
            let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"]
            return try KubernetesConnection.inCluster(environment: environment, directory: folder)
        }
        #expect(connection.server == "https://[fd00::1]:443")
        #expect(connection.token == "sa-token")
        #expect(connection.certificateAuthorityPEM == Self.pem)
        #expect(connection.namespace == "agents")
    }

    @Test func outsideAClusterInClusterConfigSaysSo() {
        let error = #expect(throws: KubernetesConfigError.self) {
            _ = try KubernetesConnection.inCluster(environment: [:], directory: "/nonexistent")
        }
        #expect(error?.message.contains("KUBERNETES_SERVICE_HOST") == true)
    }
}
