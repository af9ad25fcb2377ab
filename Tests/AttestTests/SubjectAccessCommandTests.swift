import AttestTesting
import Foundation
import Testing

/// `attest subject-access`: every record of the learner, opened, and nothing of anyone else.
@Suite struct SubjectAccessCommandTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("subject-access")
    var store: String { directory.child("centre.store") }

    /// The learner each generated line concerns, worked out here from the ids each event
    /// introduces (evidence, assessments, adjustments, RPL credits), independently of the store.
    static func learners(of lines: [[String: Any]]) -> [String?] {
        var owners: [String: String] = [:]
        return lines.map { line in
            let payload = line["payload"] as? [String: Any] ?? [:]
            let learner = payload["learnerId"] as? String
                ?? ["evidenceId", "assessmentId", "adjustmentId", "rplId"].lazy.compactMap { (payload[$0] as? String).flatMap { owners[$0] } }.first
            if let learner {
                for field in ["evidenceId", "assessmentId", "adjustmentId", "rplId"] {
                    if let id = payload[field] as? String, owners[id] == nil { owners[id] = learner }
                }
            }
            return learner
        }
    }

    @Test func holdsEveryRecordOfTheLearnerOpenedAndNothingOfAnyoneElse() throws {
        #expect(try attest.run(["init", store]).status == 0)
        let generated = try attest.run(["generate", "--learners", "40", "--seed", "4"]).stdout
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated).status == 0)
        let lines = generated.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let owners = Self.learners(of: lines)
        let learner = "L000007"
        let theirs = zip(lines, owners).filter { $0.1 == learner }.map { $0.0["id"] as! String }
        #expect(theirs.count > 10)

        let page = directory.child("subject-access.html")
        let run = try attest.run(["subject-access", store, learner, "--html", page])
        #expect(run.status == 0, "\(run.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let records = try #require(answer["records"] as? [[String: Any]])
        #expect(records.map { $0["id"] as! String } == theirs)
        let sequences = records.map { $0["sequence"] as! Int }
        #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
        #expect(answer["dataKeyHeld"] as? Bool == true)
        #expect((answer["transcript"] as? [String: Any])?["learner"] as? String == learner)

        // Their personal data, opened; no other learner's reference, names, date of birth or ULN.
        let registrations = lines.filter { $0["type"] as? String == "learner.registered" }.map { $0["payload"] as! [String: Any] }
        let personal = ["givenName", "familyName", "dateOfBirth", "uln"]
        let own = try #require(registrations.first { $0["learnerId"] as? String == learner })
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for field in personal {
            let value = try #require(own[field] as? String)
            #expect(run.stdout.contains(value) && html.contains(value), "\(field)")
        }
        for other in registrations where other["learnerId"] as? String != learner {
            let values = [other["learnerId"] as! String, other["uln"] as! String, other["dateOfBirth"] as! String,
                          "\(other["givenName"]!) \(other["familyName"]!)"]
            for value in values { #expect(!run.stdout.contains(value) && !html.contains(value), "\(value) of another learner") }
        }
        for sequence in sequences { #expect(html.contains(#"<td class="n">\#(sequence)</td>"#)) }
    }

    @Test func anErasedLearnersRecordsShowTheirPersonalFieldsErased() throws {
        #expect(try attest.run(["init", store]).status == 0)
        #expect(try attest.run(["append", store, "-", "--quiet"], input: try attest.run(["generate", "--learners", "5", "--seed", "2"]).stdout).status == 0)
        #expect(try attest.run(["erase", store, "L000002", "--reason", "retention period ended", "--actor", "admin-1"]).status == 0)
        let page = directory.child("erased.html")
        let run = try attest.run(["subject-access", store, "L000002", "--html", page])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(answer["dataKeyHeld"] as? Bool == false)
        #expect((answer["records"] as? [[String: Any]])?.last?["type"] as? String == "learner.erased")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("givenName: (erased)"))

        let unknown = try attest.run(["subject-access", store, "L999999"])
        #expect(unknown.status == 1 && unknown.stderr.contains("holds no record of learner \"L999999\""))
    }
}
