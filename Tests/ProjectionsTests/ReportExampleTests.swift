import AttestTesting
import Assessment
import Centre
import Foundation
import Projections
import Records
import Testing

/// docs/reports.md: its example transcript of a standard is what this code reports for
/// the story it tells, appended here.
@Suite struct ReportExampleTests {
    /// The JSON block of docs/reports.md that follows `marker`.
    static func example(after marker: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/reports.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let after = try #require(text.components(separatedBy: marker).dropFirst().first, "no \(marker) in docs/reports.md")
        let block = try #require(after.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "\n```").first)
        return Data(block.utf8)
    }

    @Test func theStandardsTranscriptIsTheOneDocumented() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/qualifications/examples/occupational-standard.json")
        let standard = try Attest_V1_Specification(jsonString: String(contentsOf: file, encoding: .utf8))
        try centre.record(.staffRegistered(.with { $0.staffID = "admin-1"; $0.roles = [.centreAdministrator] }), by: "admin-1")
        try centre.record(.specificationImported(.with { $0.version = 1; $0.specification = standard }), by: "admin-1")
        for (id, role) in [("assessor-7", Attest_V1_StaffRole.assessor), ("iqa-2", .internalQualityAssurer)] {
            try centre.record(.staffRegistered(.with {
                $0.staffID = id; $0.roles = [role]; $0.competentUnits = [standard.id]; $0.status = .qualified
            }), by: "admin-1")
        }
        try centre.record(.learnerRegistered(.with {
            $0.learnerID = "R-0031"; $0.qualification = standard.id; $0.specificationVersion = 1; $0.dateOfBirth = "1999-10-02"
            $0.givenName = "Priya"; $0.familyName = "Shah"; $0.assessor = "assessor-7"; $0.internalQualityAssurer = "iqa-2"
        }), by: "admin-1")
        let performance = standard.performanceCriteria.map(\.number), knowledge = standard.knowledge.map(\.number)
        try centre.record(.evidenceSubmitted(TestCentre.evidence("EV-1", unit: standard.id, criteria: performance, learner: "R-0031")), by: "assessor-7")
        try centre.record(.evidenceAssessed(TestCentre.assessment("AS-1", of: "EV-1", criteria: performance)), by: "assessor-7")
        let asked = Array(knowledge.dropLast())
        try centre.record(.evidenceSubmitted(TestCentre.evidence(
            "EV-2", unit: standard.id, criteria: asked, method: .questioning, learner: "R-0031")), by: "assessor-7")
        try centre.record(.evidenceAssessed(TestCentre.assessment("AS-2", of: "EV-2", criteria: asked)), by: "assessor-7")
        let transcript = try #require(try centre.store.transcript(of: "R-0031"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(transcript)
        #expect(try Fixtures.json(json, says: Self.example(after: "<!-- example: a standard's transcript -->")),
                "docs/reports.md differs from \(String(decoding: json, as: UTF8.self))")
        #expect(transcript.shortfalls == ["K6 not met"])
    }
}
