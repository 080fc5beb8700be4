import Foundation

extension Process {
    /// Waits for the process to end on a Dispatch thread. `waitUntilExit()` blocks its thread, and the
    /// cooperative pool has only as many as there are cores (2 in CI): one held while a server shuts down
    /// starves every other test in the process, whose HTTP calls then time out.
    package func waitForExit() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.waitUntilExit()
                continuation.resume()
            }
        }
    }
}
