import AttestTesting
import Assessment
import Centre
import Foundation
import Records
import Testing

@Suite struct SpecificationImportTests {
    @Test func aRevisionIsTheNextVersionAndAnIdenticalFileAppendsNothing() throws {
        let centre = try TestCentre()
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        let json = try centre.specification.jsonString()
        let first = try centre.store.importSpecification(json: json, actor: "admin")
        #expect(first == .imported(id: "603/4767/3", version: 1, sequence: 2))
        #expect(try centre.store.importSpecification(json: json, actor: "admin") == .unchanged(id: "603/4767/3", version: 1))
        var revised = centre.specification
        revised.units[0].learningOutcomes[0].criteria[0].summary = "Needs, expectations and satisfaction"
        #expect(try centre.store.importSpecification(json: revised.jsonString(), actor: "admin")
            == .imported(id: "603/4767/3", version: 2, sequence: 3))
        #expect(try centre.store.importSpecification(json: json, actor: "admin")
            == .imported(id: "603/4767/3", version: 3, sequence: 4))
        #expect(try centre.store.log.head().sequence == 4)
    }

    @Test func onlyAnAdministratorImportsAndNonsenseIsRefused() throws {
        let centre = try TestCentre.standard()
        var revised = centre.specification
        revised.title += " (revised)"
        #expect(throws: BatchRefusal.self) { try centre.store.importSpecification(json: revised.jsonString(), actor: "a1") }
        #expect(throws: EventInputError.self) { try centre.store.importSpecification(json: #"{"id":"x","colour":1}"#, actor: "admin") }
    }
}

/// A specification's shape must fit its kind; the refusal names the field that does not.
@Suite struct SpecificationShapeTests {
    static let unit = Attest_V1_Unit.with {
        $0.number = "Y/999/0001"; $0.credits = 2
        $0.learningOutcomes = [.with { $0.number = "1"; $0.kind = .knowledge; $0.criteria = [.with { $0.number = "1.1" }] }]
    }

    func refusal(_ specification: Attest_V1_Specification) throws -> String? {
        let centre = try TestCentre()
        try centre.record(.staffRegistered(.with { $0.staffID = "admin"; $0.roles = [.centreAdministrator] }), by: "admin")
        return centre.refusal(.specificationImported(.with { $0.version = 1; $0.specification = specification }), by: "admin")
    }

    @Test func aStandaloneUnitHasOneUnitAndNoRulesOfCombination() throws {
        var standalone = Attest_V1_Specification.with { $0.id = "Y/999/0001"; $0.kind = .standaloneUnit; $0.title = "A unit"; $0.units = [Self.unit] }
        #expect(try refusal(standalone) == nil)
        var withRules = standalone
        withRules.rulesOfCombination.totalCredits = 2
        #expect(try refusal(withRules)
            == "rule specification-well-formed: specification Y/999/0001 is a standalone unit, which has no rulesOfCombination")
        var grouped = standalone
        grouped.groups = [.with { $0.code = "A"; $0.mandatory = true; $0.units = ["Y/999/0001"] }]
        #expect(try refusal(grouped) == "rule specification-well-formed: specification Y/999/0001 is a standalone unit, which has no groups")
        standalone.units.append(.with { $0.number = "Y/999/0002"; $0.credits = 1; $0.learningOutcomes = Self.unit.learningOutcomes })
        #expect(try refusal(standalone)
            == "rule specification-well-formed: specification Y/999/0001 is a standalone unit, whose units hold exactly one unit, not 2")
    }

    @Test func anOccupationalStandardHasItemsAndNoUnits() throws {
        var standard = try Fixtures.specification("LSILADD09-assess-learner-achievement")
        #expect(try refusal(standard) == nil)
        var withUnits = standard
        withUnits.units = [Self.unit]
        #expect(try refusal(withUnits)
            == "rule specification-well-formed: specification LSILADD09 is an occupational standard, which has no units")
        var withHours = standard
        withHours.guidedLearningHours = 30
        #expect(try refusal(withHours)
            == "rule specification-well-formed: specification LSILADD09 is an occupational standard, which has no guidedLearningHours")
        var noKnowledge = standard
        noKnowledge.knowledge = []
        #expect(try refusal(noKnowledge)
            == "rule specification-well-formed: specification LSILADD09 is an occupational standard and needs knowledge")
        standard.knowledge[3].number = "P4"
        #expect(try refusal(standard)
            == "rule specification-well-formed: knowledge item P4 of specification LSILADD09 is not numbered K1, K2, …")
    }

    @Test func aQualificationHasGroupsAndRulesAndItsDatesAreDates() throws {
        var qualification = Qualifications.customerServiceLevel2
        qualification.performanceCriteria = [.with { $0.number = "P1" }]
        #expect(try refusal(qualification)
            == "rule specification-well-formed: specification 603/4767/3 is a qualification, which has no performanceCriteria")
        var unruled = Qualifications.customerServiceLevel2
        unruled.clearRulesOfCombination()
        #expect(try refusal(unruled) == "rule specification-well-formed: specification 603/4767/3 is a qualification and needs rulesOfCombination")
        var dated = Qualifications.customerServiceLevel2
        dated.approvedOn = "2024-02-30"
        #expect(try refusal(dated) == "rule specification-well-formed: approvedOn 2024-02-30 of specification 603/4767/3 is not a date such as 2024-03-31")
        dated.approvedOn = "2024-06-01"
        dated.reviewOn = "2023-06-01"
        #expect(try refusal(dated)
            == "rule specification-well-formed: reviewOn 2023-06-01 of specification 603/4767/3 is before its approvedOn 2024-06-01")
        var unkinded = Qualifications.customerServiceLevel2
        unkinded.kind = .unspecified
        #expect(try refusal(unkinded)
            == "rule specification-well-formed: specification 603/4767/3 has no kind (QUALIFICATION, STANDALONE_UNIT or OCCUPATIONAL_STANDARD)")
    }
}
