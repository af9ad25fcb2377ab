import AttestTesting
import Assessment
import EventLog
import Testing

@Suite struct ScenarioTests {
    @Test func oneLearnerReachesTheRulesOfCombinationThroughEveryKindOfEvent() throws {
        let centre = try TestCentre.standard()
        let before = try centre.store.log.head().sequence
        try centre.recordFullQualification()
        // 2 adjustment events, 1 RPL, 6 units × (evidence + assessment), 2 samples, 1 revision.
        #expect(try centre.store.log.head().sequence == before + 18)
        #expect(TestCentre.scenarioUnits.prefix(4).map(\.credits).reduce(0, +) == 14)
        #expect(TestCentre.scenarioUnits.dropFirst(4).map(\.credits).reduce(0, +) == 13)
        var types: [String: Int] = [:]
        try centre.store.log.read { types[$0.record.eventType, default: 0] += 1; return true }
        #expect(types["decision.revised"] == 1)
        #expect(types["rpl.credited"] == 1)
        #expect(try centre.store.log.verify().records == centre.store.log.head().sequence)
    }
}
