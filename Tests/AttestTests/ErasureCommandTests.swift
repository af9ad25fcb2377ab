import AttestTesting
import Crypto
import Foundation
import Privacy
import Testing

/// `attest erase`: a learner's personal data is gone from every file of the store, while
/// the history verifies, replays and keeps their achievements.
@Suite struct ErasureCommandTests {
    let attest = Command("attest")
    let replay = Command("attest-replay")
    let directory = TemporaryDirectory("erase")
    var store: String { directory.child("centre.store") }

    /// Each learner's registration payload, by reference.
    static func registrations(in lines: [String]) -> [String: [String: Any]] {
        var found: [String: [String: Any]] = [:]
        for line in lines where line.contains(#""type":"learner.registered""#) {
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let payload = object["payload"] as! [String: Any]
            found[payload["learnerId"] as! String] = payload
        }
        return found
    }

    /// The references of the learners whose lines include `type`.
    static func learners(with type: String, in lines: [String]) -> Set<String> {
        Set(lines.filter { $0.contains(#""type":"\#(type)""#) }.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["payload"] as? [String: Any])?["learnerId"] as? String
        })
    }

    @Test func threeErasedLearnersLeaveNoTraceAndTheHistoryStillVerifies() throws {
        #expect(try attest.run(["init", store]).status == 0)
        let generated = try attest.run(["generate", "--learners", "60", "--seed", "5"])
        let lines = generated.stdout.split(separator: "\n").map(String.init)
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)

        let registrations = Self.registrations(in: lines)
        let withdrawn = try #require(Self.learners(with: "learner.withdrawn", in: lines).sorted().first)
        let complete = try #require(Self.learners(with: "certificate.claimed", in: lines).sorted().first)
        let midway = try #require(registrations.keys.sorted().first { ![withdrawn, complete].contains($0)
            && !Self.learners(with: "certificate.claimed", in: lines).contains($0) && !Self.learners(with: "learner.withdrawn", in: lines).contains($0) })
        let erased = [midway, complete, withdrawn]
        let keys = try LearnerKeys(store: store).keys(of: erased)
        #expect(keys.count == 3)

        for learner in erased {
            let run = try attest.run(["erase", store, learner, "--reason", "retention period ended", "--actor", "admin-1"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("erased learner \(learner) at sequence "))
        }
        #expect(try attest.run(["erase", store, midway, "--reason", "again", "--actor", "admin-1"]).stdout
            == "learner \(midway) was already erased\n")

        // Every file of the store, the key store's included.
        let files = try FileManager.default.subpathsOfDirectory(atPath: store).map { store + "/" + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        #expect(files.contains(store + "/keys/data.mdb") && files.contains(store + "/data.mdb"))
        let contents = try files.map { ($0, try Data(contentsOf: URL(fileURLWithPath: $0))) }
        for learner in erased {
            let payload = try #require(registrations[learner])
            let personal = ["givenName", "familyName", "dateOfBirth", "uln"].compactMap { payload[$0] as? String }
            let key = try #require(keys[learner]).withUnsafeBytes { Data($0) }
            for (path, bytes) in contents {
                for value in personal { #expect(bytes.range(of: Data(value.utf8)) == nil, "\(learner)'s \(value) is in \(path)") }
                #expect(bytes.range(of: key) == nil, "\(learner)'s key is in \(path)")
            }
        }

        #expect(try attest.run(["verify", store]).status == 0)
        #expect(try attest.run(["checkpoint", store]).status == 0)
        let publicKey = directory.child("centre.pub")
        try attest.run(["key", store]).stdout.write(toFile: publicKey, atomically: true, encoding: .utf8)
        let replayed = try replay.run([store, "--key", publicKey])
        #expect(replayed.status == 0, "\(replayed.stdout)\(replayed.stderr)")
        #expect(replayed.stdout.contains("erased       3 learners' personal data, in "))

        for learner in erased {
            let json = try attest.run(["transcript", store, learner, "--json"])
            let transcript = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(transcript["erased"] as? Bool == true)
            #expect(transcript["givenName"] == nil && transcript["familyName"] == nil && transcript["uln"] == nil)
            #expect((transcript["units"] as? [[String: Any]])?.count == 23)
            #expect(learner != complete || ["achieved", "certificated"].contains(transcript["status"] as? String))
            #expect(learner != withdrawn || transcript["status"] as? String == "withdrawn")
            #expect(try attest.run(["transcript", store, learner]).stdout.contains("Learner \(learner) (personal data erased)"))
        }
        // Nothing more is recorded for an erased learner.
        let more = #"{"type":"learner.name_corrected","actor":{"id":"admin-1"},"occurredAt":"2026-01-05T10:00:00Z","payload":{"learnerId":"\#(midway)","givenName":"A","familyName":"B"}}"#
        #expect(try attest.run(["append", store, "-"], input: more).stderr.contains("rule learner-erased: learner \(midway) of the name correction was erased"))
    }

    @Test func aLearnerOfTheVersion1FixtureIsNotErasedAsTheirDataIsInTheClear() throws {
        let path = try Fixtures.copy("v1/store", into: directory)
        let run = try attest.run(["erase", path, "1000000003", "--reason", "retention period ended", "--actor", "admin-1"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("learner 1000000003's personal data is in the clear in records 111, 113, "))
        #expect(run.stderr.contains("destroying their key would not erase it; nothing was appended or destroyed"))
        #expect(run.stderr.contains("Keep this store under access control until it may be deleted, and record new learners in a new store"))
        #expect(try attest.run(["verify", path]).status == 0)
    }
}
