import Foundation
import HTTPTypes
import HummingbirdTesting
import Lifecycle
import TestSupport
import Testing

@testable import Server

/// The header and idle timeouts and the connection cap, over real loopback sockets to the in-process server.
@Suite("Connection timeouts and cap", .timeLimit(.minutes(2)))
struct ConnectionGuardTests {
    static func request(_ path: String, port: Int, close: Bool = false) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(close ? "Connection: close\r\n" : "")\r\n"
    }

    @Test func aHeadTricklingInIsClosedAtTheHeaderTimeout() async throws {
        var app = TestApp()
        app.connections = ConnectionLimits(headerTimeout: .milliseconds(300), idleTimeout: .seconds(600))
        try await app.run { client in
            let port = try #require(client.client.port)
            // Before connecting, so before the server's timer starts.
            let started = ContinuousClock.now
            try await RawConnection.with(port: port) { connection in
                // One header byte every 20 ms, for as long as the server keeps the connection.
                let trickle = connection.trickle(
                    "GET /health HTTP/1.1\r\n" + String(repeating: "X-Slow: 1\r\n", count: 500))
                #expect(await connection.readToEnd(), "the server kept a head trickling in open")
                trickle.cancel()
                #expect(connection.received.isEmpty)
                #expect(ContinuousClock.now - started >= .milliseconds(300))
            }
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAtTheIdleTimeout() async throws {
        var app = TestApp()
        app.connections = ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .milliseconds(300))
        try await app.run { client in
            let port = try #require(client.client.port)
            try await RawConnection.with(port: port) { connection in
                // Before the request, so before the server's idle timer starts.
                let asked = ContinuousClock.now
                try await connection.send(Self.request("/health", port: port))
                #expect(await connection.read(until: "\"status\""))
                #expect(await connection.readToEnd(), "the server kept an idle connection open")
                #expect(connection.received.hasPrefix("HTTP/1.1 200"))
                #expect(ContinuousClock.now - asked >= .milliseconds(300))
            }
        }
    }

    @Test func anEventStreamOutlivesTheTimeouts() async throws {
        var app = TestApp()
        // The header timeout stays long so a loaded machine cannot close the stream before its request is sent.
        app.connections = ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .milliseconds(200))
        let clock = app.clock
        try await app.run { client in
            let port = try #require(client.client.port)
            try await RawConnection.with(port: port) { stream in
                try await stream.send(Self.request("/events", port: port))
                #expect(await stream.read(until: ": caught up"))
                // A connection opened after the stream, idle for longer than the idle timeout: once the server has
                // closed it, the stream has been idle at least as long.
                try await RawConnection.with(port: port) { witness in
                    try await witness.send(Self.request("/health", port: port))
                    #expect(await witness.readToEnd(), "the server kept an idle connection open")
                    #expect(witness.received.hasPrefix("HTTP/1.1 200"))
                }
                await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(15)))
                clock.advance(by: .seconds(15))
                #expect(await stream.read(until: ": keep-alive"))
                #expect(!stream.isClosed)
            }
        }
    }

    @Test func overTheCapAConnectionIsAnswered503AndTheServerAnswersOnceConnectionsDrop() async throws {
        var app = TestApp()
        app.connections.maxConnections = 3
        try await app.run { client in
            let port = try #require(client.client.port)
            // The test client's own connection is the first of three.
            #expect(try await client.get("/health").status == .ok)
            let validator = client.validator
            try await RawConnection.with(port: port) { first in
                try await first.send(Self.request("/health", port: port))
                #expect(await first.read(until: "\"status\""))
                try await RawConnection.with(port: port) { second in
                    try await second.send(Self.request("/health", port: port))
                    #expect(await second.read(until: "\"status\""))
                    // Answered at once, before it sends anything, then closed.
                    try await RawConnection.with(port: port) { refused in
                        #expect(await refused.readToEnd(), "the server kept a connection over the cap open")
                        let (head, body) = try Self.split(refused.received)
                        #expect(head.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
                        #expect(head.contains("\r\nConnection: close\r\n"))
                        #expect(head.contains("\r\nRetry-After: 1\r\n"))
                        try validator.validate(
                            method: "GET", path: "/health", status: 503, contentType: "application/problem+json",
                            body: Data(body.utf8))
                        #expect(body.contains("\"status\":503"))
                    }
                }
            }
            // Two close on the client's side; the server answers again once it has seen them go.
            var status = ""
            for _ in 0..<500 where !status.hasPrefix("HTTP/1.1 200") {
                status = try await RawConnection.with(port: port) { connection in
                    try await connection.send(Self.request("/health", port: port, close: true))
                    await connection.readToEnd()
                    return connection.received
                }
                await Task.yield()
            }
            #expect(status.hasPrefix("HTTP/1.1 200"))
        }
    }

    private static func split(_ response: String) throws -> (head: String, body: String) {
        let range = try #require(response.range(of: "\r\n\r\n"))
        return (String(response[..<range.upperBound]), String(response[range.upperBound...]))
    }
}
