import AttestKit
import Foundation

/// Attest embedded in a program of its own: a centre's store created in a directory, its
/// staff, a learner and an assessed piece of evidence recorded as typed events, the
/// assessment read back as the log's JSON line, a claim the rules refuse (matched by its
/// rule, not its words), and the learner's transcript.
///
///     swift run attest-example [DIRECTORY]
@main
struct Embedding {
    static func main() {
        do {
            try run()
        } catch {
            FileHandle.standardError.write(Data("attest-example: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() throws {
        let directory = CommandLine.arguments.dropFirst().first
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("attest-example-\(UUID())").path
        let store = try CentreStore.create(
            at: directory, timeZone: TimeZone(identifier: "Europe/London")!, projections: CentreStore.reports)
        var clock = Date()
        /// Records `event` by staff member `actor`, a second after the one before.
        func record(_ event: DomainEvent, by actor: String) throws -> Appended {
            var who = Actor()
            who.id = actor
            defer { clock += 1 }
            return try store.append([CentreEvent(event, actor: who, occurredAt: clock)])[0]
        }

        let qualification = Qualifications.customerServiceLevel2
        let unit = qualification.units[0]
        _ = try record(.staffRegistered(.with { $0.staffID = "admin-1"; $0.roles = [.centreAdministrator] }), by: "admin-1")
        _ = try record(.specificationImported(.with { $0.version = 1; $0.specification = qualification }), by: "admin-1")
        for (id, role) in [("assessor-7", Attest_V1_StaffRole.assessor), ("iqa-2", .internalQualityAssurer)] {
            _ = try record(.staffRegistered(.with {
                $0.staffID = id
                $0.roles = [role]
                $0.competentUnits = qualification.units.map(\.number)
                $0.status = .qualified
            }), by: "admin-1")
        }
        _ = try record(.learnerRegistered(.with {
            $0.learnerID = "C-0042"
            $0.qualification = qualification.id
            $0.specificationVersion = 1
            $0.dateOfBirth = "2001-04-30"
            $0.givenName = "Maya"
            $0.familyName = "Okafor"
            $0.assessor = "assessor-7"
            $0.internalQualityAssurer = "iqa-2"
        }), by: "admin-1")
        let criteria = unit.learningOutcomes.flatMap { $0.criteria.map(\.number) }
        _ = try record(.evidenceSubmitted(.with {
            $0.evidenceID = "EV-1"
            $0.learnerID = "C-0042"
            $0.unit = unit.number
            $0.method = .observation
            $0.criteria = criteria
            $0.artefact = .with {  // the observation record, kept by the centre: the log holds its digest
                $0.sha256 = String(repeating: "5e", count: 32)
                $0.mediaType = "application/pdf"
                $0.sizeBytes = 48_213
            }
        }), by: "assessor-7")
        let assessed = try record(.evidenceAssessed(.with {
            $0.assessmentID = "AS-1"
            $0.evidenceID = "EV-1"
            $0.decisions = criteria.map { criterion in .with { $0.criterion = criterion; $0.outcome = .met } }
            $0.feedback = "Observed in full."
        }), by: "assessor-7")
        print("recorded \(assessed.sequence) events in \(directory)")

        // The assessment as the log keeps it: one line of JSON, its personal fields opened.
        let keyring = Keyring(store: directory)
        try store.log.read(from: assessed.sequence) { entry in
            print(try entry.domainJSONLine(opening: keyring.open))
            return false
        }

        // One unit is not the certificate: the rules refuse the claim, and say which rule.
        do {
            _ = try record(.certificateClaimed(.with { $0.learnerID = "C-0042" }), by: "admin-1")
            print("the claim was accepted")
        } catch let refusal as BatchRefusal where refusal.cause.violation?.rule == "certificate-earned" {
            print("claim refused by rule certificate-earned: \(refusal.cause.violation!.detail)")
        }

        guard let transcript = try store.transcript(of: "C-0042") else { return }
        let met = transcript.units.first { $0.unit == unit.number }
        print("transcript of \(transcript.learner): unit \(unit.number) \(met?.status ?? "not started")")
    }
}
