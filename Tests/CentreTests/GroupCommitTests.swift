import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Records
import Testing

/// Several batches committed together (`CentreStore.append(batches:)`): one transaction,
/// each batch still all or nothing on its own.
@Suite struct GroupCommitTests {
    func event(_ event: DomainEvent, by actor: String, at centre: TestCentre) throws -> CentreEvent {
        var who = Actor()
        who.id = actor
        return try CentreEvent(event, actor: who, occurredAt: centre.now)
    }

    @Test func aRefusedBatchLeavesTheOthersOfItsGroupAppended() throws {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        let head = try centre.store.log.head().sequence
        let results = try centre.store.append(batches: [
            [try event(.learnerRegistered(TestCentre.learner("L2")), by: "admin", at: centre)],
            // Registers L3, then breaks a rule: an assessor assessing evidence that does not exist.
            [try event(.learnerRegistered(TestCentre.learner("L3")), by: "admin", at: centre),
             try event(.evidenceAssessed(TestCentre.assessment("AS-9", of: "EV-missing")), by: "a1", at: centre)],
            // Builds on the first batch of the group, and registers L3 itself.
            [try event(.evidenceSubmitted(TestCentre.evidence("EV-2", learner: "L2")), by: "a1", at: centre),
             try event(.learnerRegistered(TestCentre.learner("L3")), by: "admin", at: centre)],
        ])
        #expect(try results[0].get().map(\.sequence) == [head + 1])
        let refusal = try #require(results[1].failure as? BatchRefusal)
        #expect(refusal.index == 1)
        #expect(try results[2].get().map(\.sequence) == [head + 2, head + 3])
        #expect(try centre.store.log.head().sequence == head + 3)
        #expect(try centre.store.log.verify().records == head + 3)
        #expect(try centre.store.transcript(of: "L3")?.learner == "L3")
        #expect(try centre.store.transcript(of: "L2") != nil)
    }

    @Test func aBatchRefusedAloneIsRefusedAsItWouldBeInAGroup() throws {
        let centre = try TestCentre.standard()
        let batch = [try event(.evidenceAssessed(TestCentre.assessment("AS-9", of: "EV-missing")), by: "a1", at: centre)]
        let alone = centre.refusal(.evidenceAssessed(TestCentre.assessment("AS-9", of: "EV-missing")), by: "a1")
        let grouped = try centre.store.append(batches: [batch])[0].failure as? BatchRefusal
        #expect(alone != nil)
        #expect(grouped?.reason == alone)
    }
}

extension Result {
    /// The error, when this is a failure.
    var failure: Failure? {
        if case let .failure(error) = self { error } else { nil }
    }
}
