import AttestTesting
import Assessment
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
