import AttestKit
import Dispatch
import Synchronization

/// Appends the batches of concurrent requests together: while one write transaction
/// commits, the batches that arrive wait, and the next transaction takes all of them
/// (`CentreStore.append(batches:)`: one commit and one sync, each batch still all or
/// nothing on its own). LMDB blocks, so the commits run on a thread of their own, never
/// on the server's event loops.
final class GroupCommit: Sendable {
    private struct Waiting {
        let events: [CentreEvent]
        let continuation: CheckedContinuation<[Appended], any Error>
    }

    private let store: CentreStore
    private let queue = DispatchQueue(label: "attest.group-commit")
    private let state = Mutex<(waiting: [Waiting], committing: Bool)>(([], false))
    private let metrics: ServerMetrics

    init(store: CentreStore, metrics: ServerMetrics) {
        self.store = store
        self.metrics = metrics
    }

    /// Appends `events` as one batch, in the next group. - Throws: what refused the batch.
    func append(_ events: [CentreEvent]) async throws -> [Appended] {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(Waiting(events: events, continuation: continuation))
                defer { state.committing = true }
                return !state.committing
            }
            if start { queue.async { self.commitWhileWaiting() } }
        }
    }

    private func commitWhileWaiting() {
        while true {
            let group = state.withLock { state in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.committing = false }
                return state.waiting
            }
            guard !group.isEmpty else { return }
            metrics.groupSize.record(Int64(group.count))
            do {
                let results = try store.append(batches: group.map(\.events))
                for (waiting, result) in zip(group, results) { waiting.continuation.resume(with: result) }
            } catch {
                for waiting in group { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
