import AttestTesting
import Foundation
import Testing

/// `attest retention`: the learners past the centre's retention period, and their erasure.
@Suite struct RetentionCommandTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("retention")
    var store: String { directory.child("centre.store") }

    private func review(_ arguments: [String]) throws -> (months: Int, due: [[String: String]]) {
        let run = try attest.run(["retention", store, "--json"] + arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return (object["months"] as! Int, object["due"] as! [[String: String]])
    }

    /// When each learner's `type` event occurred, from the generated lines.
    private static func occurred(_ type: String, in lines: [[String: Any]]) -> [String: String] {
        Dictionary(lines.filter { $0["type"] as? String == type }.map {
            (($0["payload"] as! [String: Any])["learnerId"] as! String, $0["occurredAt"] as! String)
        }) { first, _ in first }
    }

    @Test func listsTheLearnersPastThePeriodAndErasesThem() throws {
        #expect(try attest.run(["init", store]).status == 0)
        let generated = try attest.run(["generate", "--learners", "40", "--seed", "8"]).stdout
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated).status == 0)
        let lines = generated.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let withdrawn = Self.occurred("learner.withdrawn", in: lines)
        let certificated = Self.occurred("certificate.claimed", in: lines)
        #expect(!withdrawn.isEmpty && !certificated.isEmpty)

        // Long after everyone ended: every learner certificated, withdrawn or achieved is due, with when it ended.
        let all = try review(["--on", "2099-01-01"])
        #expect(all.months == 36)
        let listed = Dictionary(uniqueKeysWithValues: all.due.map { ($0["learner"]!, $0) })
        for (learner, at) in certificated { #expect(listed[learner]?["status"] == "certificated" && listed[learner]?["ended"] == at, "\(learner)") }
        for (learner, at) in withdrawn where certificated[learner] == nil {
            #expect(listed[learner]?["status"] == "withdrawn" && listed[learner]?["ended"] == at, "\(learner)")
        }
        #expect(Set(all.due.map { $0["status"]! }).isSubset(of: ["certificated", "withdrawn", "achieved"]))
        #expect(all.due.count < 40, "learners still in progress are kept")
        for entry in all.due {
            let ended = entry["ended"]!
            let year = Int(ended.prefix(4))! + 3
            #expect(entry["periodEnded"] == "\(year)\(ended.dropFirst(4).prefix(6))", "36 months after \(ended)")
        }

        // On a day inside the range, exactly those whose period ended by then.
        let day = all.due[all.due.count / 2]["periodEnded"]!
        let some = try review(["--on", day])
        #expect(some.due.map { $0["learner"]! } == all.due.filter { $0["periodEnded"]! <= day }.map { $0["learner"]! })

        // A shorter period, kept by the store.
        let shorter = try review(["--on", day, "--set-months", "12"])
        #expect(shorter.months == 12 && shorter.due.count > some.due.count)
        #expect(try review(["--on", day]).months == 12)

        let erased = try attest.run(["retention", store, "--on", day, "--erase", "--actor", "admin-1"])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.components(separatedBy: "erased learner ").count - 1 == shorter.due.count)
        #expect(try review(["--on", day]).due.isEmpty)
        #expect(try attest.run(["verify", store]).status == 0)
        let first = shorter.due[0]["learner"]!
        let transcript = try attest.run(["transcript", store, first, "--json"])
        #expect(transcript.stdout.contains(#""erased":true"#))
        let log = try attest.run(["log", store, "--stream", "learner-\(first)", "--json"]).stdout
        #expect(log.contains("retention period of 12 months after the learner was \(shorter.due[0]["status"]!) ended on"))
    }

    @Test func refusesAPeriodOutOfRangeAndEraseWithoutAnActor() throws {
        #expect(try attest.run(["init", store]).status == 0)
        let refused = try attest.run(["retention", store, "--set-months", "0"])
        #expect(refused.status == 1 && refused.stderr.contains("a retention period is 1 to 1200 months, not 0"))
        #expect(try attest.run(["retention", store, "--erase"]).status == 2)
        #expect(try attest.run(["retention", store, "--on", "2029-02-30"]).status == 2)
    }
}
