import Logging

extension ChatRelay {
    /// Reads the persisted post ids on the blocking-I/O executor; without a readable file, post ids may have been
    /// lost, so posts are looked up by marker.
    func loadRecords() async {
        defer { recordsLoaded = true }
        guard let store else { return }
        switch try? await fileIO.run({ store.load() }) {
        case .records(let loaded):
            records = loaded
            recordsLost = false
        case .lost, nil:
            records = [:]
            recordsLost = true
        }
    }

    /// Writes the records until no change is pending; one writer at a time (`persisting`), so writes never
    /// reorder.
    func writeRecords() async {
        guard let store else { return }
        while persistPending {
            persistPending = false
            let records = records
            do {
                try await fileIO.run { try store.save(records) }
            } catch {
                logger.error("Could not persist status post ids", metadata: ["error": "\(error)"])
            }
        }
        persisting = false
    }
}
