/// The version this build of Dormouse reports: the server's `/health`, the watcher's health and `--version`.
package enum DormouseVersion {
    package static let current = "0.1.0"
}
