import AttestTesting
import Assessment
@testable import Centre
import EventLog
import Foundation
import Projections
import Simulation
import Testing

/// Large appends apply their reports beside the rules (`InlineReports`): the reports they
/// keep are those a rebuild gives, whether each batch is committed alone or in a group
/// where a batch is refused after its first events reached the reports.
@Suite struct InlineReportsTests {
    /// The generator's centre of `learners`, as parsed events.
    static func generated(learners: Int, in centre: TestCentre) throws -> [CentreEvent] {
        var events: [CentreEvent] = []
        try CentreGenerator(learners: learners, seed: 11, specification: centre.specification).generate {
            events.append(try CentreEvent(line: $0))
        }
        return events
    }

    /// Each report's entries as the appends kept them equal those a rebuild gives.
    static func expectReportsAsRebuilt(_ centre: TestCentre) throws {
        let names = try centre.store.projectionNames()
        let kept = try centre.store.readProjections { snapshot in try names.map { try snapshot.reportEntries(of: $0) } }
        try centre.store.rebuild()
        let rebuilt = try centre.store.readProjections { snapshot in try names.map { try snapshot.reportEntries(of: $0) } }
        for (name, (kept, rebuilt)) in zip(names, zip(kept, rebuilt)) {
            let keptByKey = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
            let rebuiltByKey = Dictionary(uniqueKeysWithValues: rebuilt.map { ($0.key, $0.value) })
            let differing = Set(keptByKey.keys).union(rebuiltByKey.keys).filter { keptByKey[$0] != rebuiltByKey[$0] }.sorted()
            #expect(!kept.isEmpty, "\(name)")
            #expect(differing.isEmpty, "\(name): \(differing.count) entries differ, such as \(differing.prefix(3))")
        }
    }

    @Test func largeBatchesKeepTheReportsARebuildGives() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let events = try Self.generated(learners: 60, in: centre)
        let batches = stride(from: 0, to: events.count, by: 600).map { Array(events[$0..<min($0 + 600, events.count)]) }
        // The first batch imports the specification: its reports are applied at its end.
        #expect(!InlineReports.suit(batches[0]))
        #expect(batches.dropFirst().dropLast().allSatisfy { InlineReports.suit($0) })
        for batch in batches { try centre.store.append(batch) }
        try Self.expectReportsAsRebuilt(centre)
    }

    @Test func aBatchRefusedInAGroupLeavesNothingInTheReports() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let events = try Self.generated(learners: 60, in: centre)
        try centre.store.append(Array(events[..<600]))
        let taken = Array(events[600..<900]), refused = Array(events[900..<1200])
        var nobody = Actor()
        nobody.id = "nobody"
        let breach = try CentreEvent(
            .evidenceAssessed(TestCentre.assessment("AS-9", of: "EV-missing")), actor: nobody, occurredAt: refused.last!.draft.occurredAt)
        #expect(InlineReports.suit([taken, refused + [breach], refused].joined()))

        // The second batch's events reach the reports before its last is refused; the
        // third appends them again, after the first.
        let results = try centre.store.append(batches: [taken, refused + [breach], refused])
        #expect(try results[0].get().count == taken.count)
        #expect((results[1].failure as? BatchRefusal)?.index == refused.count)
        #expect(try results[2].get().map(\.sequence) == Array(UInt64(901)...1200))
        try Self.expectReportsAsRebuilt(centre)
    }
}
