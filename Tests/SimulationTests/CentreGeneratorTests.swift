import AttestTesting
import Assessment
import Foundation
import Simulation
import Testing

@Suite struct CentreGeneratorTests {
    func lines(learners: Int, seed: UInt64) throws -> [String] {
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: seed, specification: Qualifications.customerServiceLevel2)
            .generate { lines.append($0) }
        return lines
    }

    @Test func theSameSeedGivesTheSameCentreAndAnotherSeedAnother() throws {
        #expect(try lines(learners: 30, seed: 4) == lines(learners: 30, seed: 4))
        #expect(try lines(learners: 30, seed: 4) != lines(learners: 30, seed: 5))
    }

    @Test func theCentreStartsFromAnEmptyStore() throws {
        let lines = try lines(learners: 5, seed: 1)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["type"] as? String == "staff.registered")
        #expect((first["actor"] as? [String: String])?["id"] == "admin-1")
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["type"] as? String == "specification.imported")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(Set(object.keys) == ["id", "type", "actor", "occurredAt", "payload"])
        }
    }

    /// Every event passes the rules, in plausible proportions.
    @Test func aThousandLearnersAppendWithoutARefusal() throws {
        let centre = try TestCentre()
        let lines = try lines(learners: 1_000, seed: 11)
        try centre.store.append(lines: lines, batchSize: 1_000) { _, _ in }
        var types: [String: Int] = [:]
        try centre.store.log.read { types[$0.record.eventType, default: 0] += 1; return true }
        #expect(types["learner.registered"] == 1_000)
        // Accounts and tokens are made with their secrets (`attest user`), which a generated file cannot hold.
        let accounts = ["account.opened", "account.reset", "account.disabled", "token.issued", "token.revoked"]
        #expect(Set(types.keys) == Set(EventType.allCases.map(\.rawValue)).subtracting(["rpl.revoked", "learner.erased"] + accounts))
        let sampled = Double(types["assessment.sampled"]!) / Double(types["evidence.assessed"]!)
        #expect((0.2...0.45).contains(sampled), "sample rate \(sampled)")
        #expect((10...100).contains(types["learner.withdrawn"]!))
        #expect(try centre.store.log.verify().records == UInt64(lines.count))
    }
}
