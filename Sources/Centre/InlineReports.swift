import Assessment
import LMDB

/// The reports a large append keeps up to date, applied beside its rules: on a thread of
/// their own, a chunk of accepted events at a time, while the append's thread checks the
/// events after them. The append writes what they changed at its end. One thread for all
/// the reports, not one each: on two cores, a thread more takes its share of the core the
/// rules need (`attest-bench ingest`).
///
/// Each chunk is applied in a read transaction of its own. It sees a report as the
/// append's write transaction does, since nothing but the append's end writes a report
/// and no other append can commit meanwhile. It does not see what the rules changed in
/// the append, so an append that imports a specification, which the reports look up,
/// applies them at its end instead.
final class InlineReports: @unchecked Sendable {
    /// Events handed to the reports at a time.
    static let chunk = 256

    private let store: CentreStore
    private let targets: [ProjectionTarget]
    /// What each report changed so far.
    private let overlays: [OverlayEntityStore]
    private var stage: Stage<RecordedEvent>!
    private var waiting: [RecordedEvent] = []
    private var last: UInt64?

    /// Whether an append of `events` applies its reports beside its rules: when it holds
    /// chunks enough to be worth a thread, and imports no specification.
    static func suit(_ events: some Collection<CentreEvent>) -> Bool {
        events.count >= 2 * chunk && !events.contains { if case .specificationImported = $0.event { true } else { false } }
    }

    init(store: CentreStore, targets: [ProjectionTarget]) {
        self.store = store
        self.targets = targets
        overlays = targets.map { _ in OverlayEntityStore { _ in nil } }
        stage = Stage(yielding: true) { [self] events in
            try store.log.environment.read { txn in
                try txn.withReader { reader in
                    for (target, overlay) in zip(targets, overlays) { try store.apply(events, to: target, over: overlay, through: reader) }
                }
            }
        }
    }

    /// Hands `event`, which the rules accepted, to the reports.
    func add(_ event: RecordedEvent) {
        waiting.append(event)
        last = event.sequence
        if waiting.count >= Self.chunk { handOn() }
    }

    /// What each report writes once every event added is applied.
    /// - Throws: what stopped a report.
    func finish() throws -> [[String: [UInt8]?]] {
        handOn()
        close()
        if let failure = stage.error { throw failure }
        return try zip(targets, overlays).map { try store.settle($0, over: $1, keeping: 0, through: last) }
    }

    /// Stops the reports' thread once it has applied what it holds.
    func close() {
        stage.close()
    }

    /// Hands the events added since the last chunk to the reports now.
    func handOn() {
        guard !waiting.isEmpty else { return }
        stage.submit(waiting)
        waiting = []
    }
}
