/// An error from the watcher: a struct over a private code, so new cases don't break callers.
package struct WatcherError: Error, Hashable, CustomStringConvertible {
    /// The kinds of watcher errors.
    private enum Code: Hashable {
        case toolLabelsUnreadable
        case toolLabelsInvalid
        case offsetsUnwritable
        case stateUnwritable
        case fileUnreadable
        case notRegularFile
    }

    private let code: Code
    /// The file the error is about.
    package let path: String
    /// What the system said, when the error wraps one (why a state file could not be written).
    package let reason: String?

    private init(code: Code, path: String, reason: String? = nil) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    package static func toolLabelsUnreadable(path: String) -> Self { Self(code: .toolLabelsUnreadable, path: path) }
    package static func toolLabelsInvalid(path: String) -> Self { Self(code: .toolLabelsInvalid, path: path) }
    package static func offsetsUnwritable(path: String, reason: String? = nil) -> Self {
        Self(code: .offsetsUnwritable, path: path, reason: reason)
    }
    package static func stateUnwritable(path: String, reason: String? = nil) -> Self {
        Self(code: .stateUnwritable, path: path, reason: reason)
    }
    package static func fileUnreadable(path: String) -> Self { Self(code: .fileUnreadable, path: path) }
    /// A FIFO, socket, device or directory where a transcript or registry file was expected: never opened.
    package static func notRegularFile(path: String) -> Self { Self(code: .notRegularFile, path: path) }

    package var description: String {
        guard let reason else { return summary }
        return "\(summary): \(reason)"
    }

    private var summary: String {
        switch code {
        case .toolLabelsUnreadable: return "cannot read the tool labels file \(path)"
        case .toolLabelsInvalid: return "the tool labels file \(path) is not valid (rules, regex)"
        case .offsetsUnwritable: return "cannot write the offsets file \(path)"
        case .stateUnwritable: return "cannot write the state file \(path)"
        case .fileUnreadable: return "cannot read \(path)"
        case .notRegularFile: return "\(path) is not a regular file"
        }
    }
}
