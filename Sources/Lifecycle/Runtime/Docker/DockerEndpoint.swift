/// Where the Docker Engine API answers: a unix socket (the default) or a TCP address, from `DOCKER_HOST`.
package struct DockerEndpoint: Sendable, Hashable, CustomStringConvertible {
    enum Transport: Sendable, Hashable {
        case unixSocket(path: String)
        case tcp(host: String, port: Int)
    }

    let transport: Transport
    /// HTTPS with a client certificate (a `tcp://` engine with TLS files); set by `withTLS()`.
    package private(set) var usesTLS = false

    /// The local engine's socket.
    package static let localSocket = DockerEndpoint(transport: .unixSocket(path: "/var/run/docker.sock"))

    /// Parses `unix:///path/to/docker.sock`, `tcp://host:port` (plain HTTP) or a bare socket path.
    package init?(dockerHost: String) {
        if dockerHost.hasPrefix("unix://") {
            let path = String(dockerHost.dropFirst("unix://".count))
            guard path.hasPrefix("/") else { return nil }
            transport = .unixSocket(path: path)
        } else if dockerHost.hasPrefix("tcp://") || dockerHost.hasPrefix("http://") {
            let rest = dockerHost.split(separator: "://", maxSplits: 1).last.map(String.init) ?? ""
            let hostPort = rest.split(separator: "/").first.map(String.init) ?? ""
            guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...])
            else { return nil }
            transport = .tcp(host: String(hostPort[..<colon]), port: port)
        } else if dockerHost.hasPrefix("/") {
            transport = .unixSocket(path: dockerHost)
        } else {
            return nil
        }
    }

    init(transport: Transport) {
        self.transport = transport
    }

    /// The host of a `tcp://` endpoint; nil for a unix socket.
    package var tcpHost: String? {
        if case .tcp(let host, _) = transport { return host }
        return nil
    }

    /// The same TCP endpoint spoken to over HTTPS (a unix socket is returned as it is).
    package func withTLS() -> DockerEndpoint {
        var endpoint = self
        if tcpHost != nil { endpoint.usesTLS = true }
        return endpoint
    }

    /// The URL of `path` (which starts with `/`) on this endpoint.
    func url(_ path: String) -> String {
        switch transport {
        case .unixSocket(let socket):
            let host = socket.addingPercentEncodingForURLHost()
            return "http+unix://\(host)\(path)"
        case .tcp(let host, let port):
            return "\(usesTLS ? "https" : "http")://\(host):\(port)\(path)"
        }
    }

    /// The Host header: the engine refuses requests without one, and AsyncHTTPClient sends none over a socket.
    var hostHeader: String {
        switch transport {
        case .unixSocket: "docker"
        case .tcp(let host, let port): "\(host):\(port)"
        }
    }

    package var description: String {
        switch transport {
        case .unixSocket(let path): "unix://\(path)"
        case .tcp(let host, let port): "tcp://\(host):\(port)"
        }
    }
}

extension String {
    fileprivate func addingPercentEncodingForURLHost() -> String {
        var encoded = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return encoded
    }

    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
