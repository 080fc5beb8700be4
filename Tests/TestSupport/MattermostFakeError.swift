/// Why the fake could not be used, or (internally) how it drops a connection.
package struct MattermostFakeError: Error, CustomStringConvertible {
    /// The kinds of fake failures.
    private enum Code {
        case notListening
        case droppedConnection
    }

    private let code: Code
    package static let notListening = MattermostFakeError(code: .notListening)
    /// Thrown by an answer's body to make the server close the connection (`Fault.dropConnection`).
    static let droppedConnection = MattermostFakeError(code: .droppedConnection)

    package var description: String {
        switch code {
        case .notListening: "the Mattermost fake's HTTP server did not start listening"
        case .droppedConnection: "connection dropped by a scripted fault"
        }
    }
}
