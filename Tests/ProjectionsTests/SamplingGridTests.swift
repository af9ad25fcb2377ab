import AttestTesting
import Assessment
import Centre
import Foundation
@testable import Projections
import Records
import Testing

@Suite struct SamplingGridTests {
    /// The standard centre with two more assessors, `a3` working towards their
    /// qualification and `a10` qualified, both competent in every unit; then:
    /// - a1: two decisions on A/506/2130, the first sampled at interim and at summative,
    ///   one on F/506/2131, never sampled; a1 standardised at the start;
    /// - a3: two decisions on A/506/2130, one sampled at interim;
    /// - a10: one decision on F/506/2131, never sampled.
    static func centre() throws -> TestCentre {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        let all = centre.specification.units.map(\.number)
        for (id, status) in [("a3", Attest_V1_QualificationStatus.workingTowards), ("a10", .qualified)] {
            try centre.record(.staffRegistered(.with { $0.staffID = id; $0.roles = [.assessor]; $0.competentUnits = all; $0.status = status }), by: "admin")
        }
        try centre.record(.standardisationRecorded(.with {
            $0.activityID = "ST1"; $0.ledBy = "i1"; $0.participants = ["a1"]; $0.units = ["A/506/2130"]; $0.agreedOutcome = "Agreed"
        }), by: "i1")
        for (assessment, assessor, unit) in [
            ("AS1", "a1", "A/506/2130"), ("AS2", "a1", "A/506/2130"), ("AS3", "a1", "F/506/2131"),
            ("AS4", "a3", "A/506/2130"), ("AS5", "a3", "A/506/2130"), ("AS6", "a10", "F/506/2131"),
        ] {
            try centre.record(.evidenceSubmitted(TestCentre.evidence("E-" + assessment, unit: unit, criteria: ["1.1"], method: .workProduct)), by: assessor)
            try centre.record(.evidenceAssessed(TestCentre.assessment(assessment, of: "E-" + assessment, criteria: ["1.1"])), by: assessor)
        }
        try centre.record(.assessmentSampled(TestCentre.sample("S1", of: "AS1")), by: "i1")
        try centre.record(.assessmentSampled(TestCentre.sample("S2", of: "AS1", stage: .summative)), by: "i2")
        try centre.record(.assessmentSampled(TestCentre.sample("S3", of: "AS4")), by: "i1")
        return centre
    }

    @Test func theCellsAndRatesAreTheCentres() throws {
        let centre = try Self.centre()
        let grid = try centre.store.samplingGrid(on: centre.now)
        #expect(grid.policy == SamplingPolicy(qualified: 0.1, workingTowards: 1))
        #expect(grid.units == ["A/506/2130", "F/506/2131"])
        #expect(grid.assessors.map(\.id) == ["a1", "a2", "a3", "a10", "d1"])
        let rows = Dictionary(uniqueKeysWithValues: grid.assessors.map { ($0.id, $0) })
        let a1 = try #require(rows["a1"]), a3 = try #require(rows["a3"]), a10 = try #require(rows["a10"]), a2 = try #require(rows["a2"])

        #expect(a1.cells == [
            SamplingGrid.Cell(unit: "A/506/2130", decisions: 2, sampled: 1, interim: 1, summative: 1, neverSampled: false),
            SamplingGrid.Cell(unit: "F/506/2131", decisions: 1, sampled: 0, interim: 0, summative: 0, neverSampled: true),
        ])
        #expect([a1.decisions, a1.sampled] as [Int] == [3, 1])
        #expect(a1.status == "qualified" && a1.sampleRate == 0.333 && a1.policyRate == 0.1)
        #expect(!a1.belowPolicy && !a1.neverSampled && !a1.standardisationGap && a1.lastStandardisation != nil)

        #expect(a3.cells == [SamplingGrid.Cell(unit: "A/506/2130", decisions: 2, sampled: 1, interim: 1, summative: 0, neverSampled: false)])
        #expect(a3.status == "working_towards" && a3.sampleRate == 0.5 && a3.policyRate == 1)
        #expect(a3.belowPolicy && !a3.neverSampled && a3.standardisationGap && a3.lastStandardisation == nil)

        #expect(a10.cells.map(\.neverSampled) == [true])
        #expect(a10.neverSampled && a10.belowPolicy)
        #expect(a2.cells.isEmpty && !a2.neverSampled && !a2.belowPolicy && a2.decisions == 0)

        let later = try centre.store.samplingGrid(on: centre.now + 400 * 86_400)
        #expect(later.assessors.filter(\.standardisationGap).map(\.id) == ["a1", "a2", "a3", "a10", "d1"])
    }

    @Test func theCentresPolicyIsKeptInTheStore() throws {
        let centre = try Self.centre()
        try centre.store.setSamplingRate(50, for: .qualified)
        try centre.store.setSamplingRate(40, for: .workingTowards)
        #expect(try centre.store.log.setting("sampling-rate-qualified") == "50")
        #expect(try centre.store.samplingPolicy() == SamplingPolicy(qualified: 0.5, workingTowards: 0.4))
        let grid = try centre.store.samplingGrid(on: centre.now)
        // a1's 0.333 is now under the qualified rate; a3's 0.5 over the working-towards one.
        #expect(grid.assessors.filter(\.belowPolicy).map(\.id) == ["a1", "a10"])
        #expect(throws: AuditRequestError.self) { try centre.store.setSamplingRate(101, for: .qualified) }
        try centre.store.log.set("sampling-rate-working-towards", to: "most")
        #expect(throws: AuditRequestError.self) { try centre.store.samplingPolicy() }
    }

    @Test func asOfAPointTheGridIsReplayed() throws {
        let centre = try Self.centre()
        let head = try centre.store.log.head().sequence
        // Before the last sample, of a3's AS4.
        let before = try centre.store.samplingGrid(on: centre.now, asOf: .sequence(head - 1))
        let a3 = try #require(before.assessors.first { $0.id == "a3" })
        #expect(a3.neverSampled && a3.cells.map(\.sampled) == [0])
        #expect(try centre.store.samplingGrid(on: centre.now, asOf: .sequence(head)) == centre.store.samplingGrid(on: centre.now))
    }
}
