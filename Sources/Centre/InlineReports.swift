import Assessment
import LMDB

/// The reports a large append keeps up to date, applied beside its rules: each report on a
/// thread of its own, a chunk of accepted events at a time, while the append's thread
/// checks the events after them. The append writes what they changed at its end.
///
/// Each chunk is applied in a read transaction of its own. It sees a report as the
/// append's write transaction does, since nothing but the append's end writes a report
/// and no other append can commit meanwhile. It does not see what the rules changed in
/// the append, so an append that imports a specification, which the reports look up,
/// applies them at its end instead.
final class InlineReports: @unchecked Sendable {
    /// Events handed to the reports at a time.
    static let chunk = 128

    private let store: CentreStore
    private let targets: [ProjectionTarget]
    /// What each report changed so far.
    private let overlays: [OverlayEntityStore]
    private var stages: [Stage<RecordedEvent>] = []
    private var waiting: [RecordedEvent] = []
    private var last: UInt64?

    /// Whether an append of `events` applies its reports beside its rules: when it holds
    /// chunks enough to be worth a thread, and imports no specification.
    static func suit(_ events: some Collection<CentreEvent>) -> Bool {
        events.count >= 2 * chunk && !events.contains { $0.event.type == .specificationImported }
    }

    init(store: CentreStore, targets: [ProjectionTarget]) {
        self.store = store
        self.targets = targets
        overlays = targets.map { _ in OverlayEntityStore { _ in nil } }
        stages = targets.indices.map { index in
            Stage { [self] events in
                try store.log.environment.read { txn in
                    try txn.withReader { reader in try store.apply(events, to: targets[index], over: overlays[index], through: reader) }
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
        if let failure = stages.lazy.compactMap(\.error).first { throw failure }
        return try zip(targets, overlays).map { try store.settle($0, over: $1, keeping: 0, through: last) }
    }

    /// Stops the reports' threads once they have applied what they hold.
    func close() {
        for stage in stages { stage.close() }
    }

    private func handOn() {
        guard !waiting.isEmpty else { return }
        for stage in stages { stage.submit(waiting) }
        waiting = []
    }
}
