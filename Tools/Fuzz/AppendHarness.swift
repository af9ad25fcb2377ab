import Assessment
import AttestTesting
import Centre
import Projections

/// The whole append path: a line the event-line parser accepts is appended to a temporary
/// store holding a small generated centre and keeping the reports, through the rules and
/// the reports in one transaction. Refusals are `EventInputError` or `BatchRefusal`, never
/// another error (an LMDB error reaching the caller, say).
final class AppendHarness: Harness {
    private var centre: TestCentre
    private var appends = 0
    /// Appends kept in one store before a fresh one is made, so the store stays small.
    private static let appendsPerStore = 500

    init() throws { centre = try Self.freshCentre() }

    func check(_ input: [UInt8]) throws -> Outcome {
        let event: CentreEvent
        do {
            event = try EventLineHarness.parse(input)
        } catch {
            return try Harnesses.refusal(error, as: EventInputError.self)
        }
        do {
            try centre.store.append([event])
        } catch {
            return try Harnesses.refusal(error, as: BatchRefusal.self)
        }
        appends += 1
        if appends == Self.appendsPerStore {
            centre = try Self.freshCentre()
            appends = 0
        }
        return .accepted
    }

    private static func freshCentre() throws -> TestCentre {
        let centre = try TestCentre(projections: CentreStore.reports)
        // The centre of `attest generate --learners 1 --seed 1`, whose lines are the seeds.
        try centre.appendGenerated(learners: 1, seed: 1, batchSize: 1000)
        return centre
    }
}
