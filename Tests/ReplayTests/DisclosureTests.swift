import AttestTesting
import Foundation
import Privacy
import Testing

/// `attest export --disclose`: the EQA reads the personal data of the learners disclosed to
/// them, and no one else's.
@Suite struct DisclosureTests {
    let attest = Command("attest")
    let replay = Command("attest-replay")
    let directory = TemporaryDirectory("disclosure")
    var store: String { directory.child("centre.store") }

    /// A checkpointed store of a generated centre; its registrations' payloads by learner.
    private func centre() throws -> [String: [String: Any]] {
        #expect(try attest.run(["init", store]).status == 0)
        let events = try attest.run(["generate", "--learners", "12", "--seed", "6"]).stdout
        #expect(try attest.run(["append", store, "-", "--quiet"], input: events).status == 0)
        #expect(try attest.run(["checkpoint", store]).status == 0)
        var registrations: [String: [String: Any]] = [:]
        for line in events.split(separator: "\n") where line.contains(#""type":"learner.registered""#) {
            let payload = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["payload"] as! [String: Any]
            registrations[payload["learnerId"] as! String] = payload
        }
        return registrations
    }

    /// Every file's bytes in `bundle`.
    private func contents(of bundle: String) throws -> Data {
        try FileManager.default.contentsOfDirectory(atPath: bundle).sorted().reduce(into: Data()) {
            $0 += try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + $1))
        }
    }

    @Test func theEQAReadsTheDisclosedLearnersPersonalDataAndNoOneElses() throws {
        let registrations = try centre()
        let identity = directory.child("eqa.identity")
        let keygen = try replay.run(["keygen", identity])
        #expect(keygen.status == 0)
        let recipient = keygen.stdout.trimmingCharacters(in: .newlines)
        #expect(recipient.hasPrefix("attest-eqa-1:"))
        #expect(try FileManager.default.attributesOfItem(atPath: identity)[.posixPermissions] as? Int == 0o600)

        let sampled = "L000004"
        let bundle = directory.child("bundle")
        let exported = try attest.run(["export", store, bundle, "--disclose", sampled, "--to", recipient])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("disclosed the data keys of \(sampled) to \(recipient)"))

        // The bundle holds ciphertext only: no name, date of birth, ULN or key of anyone
        // (names of under five letters could be met by chance among the binary bytes).
        let keys = try LearnerKeys(store: store).all()
        let bytes = try contents(of: bundle)
        for (learner, payload) in registrations {
            for field in ["givenName", "familyName", "dateOfBirth", "uln"] {
                let value = payload[field] as! String
                guard value.count >= 5 else { continue }
                #expect(bytes.range(of: Data(value.utf8)) == nil, "\(learner)'s \(field)")
            }
            #expect(bytes.range(of: try #require(keys[learner]).withUnsafeBytes { Data($0) }) == nil, "\(learner)'s key")
        }

        let opened = directory.child("sampled.ndjson")
        let run = try replay.run([bundle, "--identity", identity, "--open-records", opened])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("disclosed    the data keys of 1 learners (\(sampled)) to \(recipient): opened with your identity"))
        let lines = try String(contentsOfFile: opened, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 5)
        let text = lines.joined(separator: "\n")
        let own = try #require(registrations[sampled])
        for field in ["givenName", "familyName", "dateOfBirth", "uln"] { #expect(text.contains(own[field] as! String), "\(field)") }
        for (learner, payload) in registrations where learner != sampled {
            #expect(!text.contains(learner) && !text.contains(payload["uln"] as! String) && !text.contains(payload["familyName"] as! String))
        }
        // The rules that need the sampled learner's date of birth and ULN ran on them.
        let json = try replay.run([bundle, "--identity", identity, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["sealedRegistrations"] as? Int == registrations.count - 1)
        #expect(report["opened"] as? Int == lines.count)

        // Without the identity, or with another one, nothing opens.
        let closed = try replay.run([bundle])
        #expect(closed.status == 0 && closed.stdout.contains("give the identity of that key to open them"))
        let other = directory.child("other.identity")
        #expect(try replay.run(["keygen", other]).status == 0)
        let refused = try replay.run([bundle, "--identity", other])
        #expect(refused.status == 2 && refused.stderr.contains("the bundle discloses learners' keys to \(recipient), not to your identity's key"))
    }

    @Test func aDisclosedKeyMovedToAnotherLearnerIsABreach() throws {
        _ = try centre()
        let identity = directory.child("eqa.identity")
        let recipient = try replay.run(["keygen", identity]).stdout.trimmingCharacters(in: .newlines)
        let bundle = directory.child("learner")
        #expect(try attest.run(["export", store, bundle, "--learner", "L000004", "--disclose", "L000004", "--to", recipient]).status == 0)
        #expect(try replay.run([bundle, "--identity", identity]).status == 0)
        let file = bundle + "/disclosed"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\nL000004 ", with: "\nL000005 ").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try replay.run([bundle, "--identity", identity])
        #expect(run.status == 1)
        #expect(run.stdout.contains("the key disclosed for learner L000005 does not open with your identity"))

        let refused = try attest.run(["export", store, directory.child("other"), "--learner", "L000004", "--disclose", "L000005", "--to", recipient])
        #expect(refused.status == 1 && refused.stderr.contains("can disclose their key only, not learner L000005's"))
        let unknown = try attest.run(["export", store, directory.child("unknown"), "--disclose", "L999999", "--to", recipient])
        #expect(unknown.status == 1 && unknown.stderr.contains("learner L999999 has no data key in this store"))
        #expect(!FileManager.default.fileExists(atPath: directory.child("unknown")))
        // A key that is not an EQA's is named by the option it came in, with where keys come from.
        let malformed = try attest.run(["export", store, directory.child("malformed"), "--disclose", "L000004", "--to", "not-a-key"])
        #expect(malformed.status != 0 && malformed.stderr.contains("--to not-a-key: an EQA's key is one line"), "\(malformed.stderr)")
        #expect(malformed.stderr.contains("as `attest-replay keygen` prints it"))
        #expect(!FileManager.default.fileExists(atPath: directory.child("malformed")))
    }
}
