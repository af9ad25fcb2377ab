import AttestTesting
import EventLog
import Foundation
import Testing

/// `attest user` and `attest serve` as an administrator runs them, called with curl, while
/// `attest append` writes to the same store from two other processes.
@Suite struct ServeCommandTests {
    let attest = Command("attest")
    let curl = Command(absolute: "/usr/bin/curl")

    /// Registrations of learners `prefix`1 … `prefix``count` by admin, one NDJSON line each.
    static func registrations(_ prefix: String, _ count: Int) -> [String] {
        (1...count).map { index in
            #"{"type":"learner.registered","actor":{"id":"admin"},"occurredAt":"\#(Timestamp.format(Date()))","payload":{"learnerId":"\#(prefix)\#(index)","qualification":"603/4767/3","specificationVersion":1,"dateOfBirth":"2000-05-17","givenName":"Ada","familyName":"Byron","assessor":"a1","internalQualityAssurer":"i1"}}"#
        }
    }

    @Test func aServerAndTwoCommandLineWritersAppendToOneStoreAtOnce() throws {
        let centre = try TestCentre.standard()
        let store = centre.path
        let added = try attest.run(["user", "add", store, "admin", "--actor", "admin", "--password-stdin"], input: "an administrator's password\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "opened the account of admin\n")
        let issued = try attest.run(["user", "token", store, "admin", "--days", "1", "--actor", "admin"])
        let token = try #require(issued.stdout.split(separator: "\n").last?.split(separator: " ").last.map(String.init))
        #expect(token.hasPrefix("attest_"))
        #expect(try attest.run(["user", "list", store]).stdout.hasPrefix("admin\tenabled\n  token "))

        let listening = Listening()
        let server = try attest.start(["serve", store, "--listen", "127.0.0.1:0"]) { listening.heard($0) }
        defer { server.kill() }
        let url = try #require(listening.url(within: 60), "the server did not say where it listens")
        #expect(try curl.run(["-sf", url + "/healthz"]).stdout == "ok\n")

        // 40 requests of one event each, while two writers append 40 events each in batches of one.
        let directory = TemporaryDirectory("serve")
        var writers: [Command.Running] = []
        for writer in ["W", "X"] {
            let file = directory.child("\(writer).ndjson")
            try Self.registrations(writer, 40).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            writers.append(try attest.start(["append", store, file, "--batch-size", "1", "--quiet"]) { _ in })
        }
        var statuses: [String] = []
        for line in Self.registrations("S", 40) {
            let posted = try curl.run([
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                "-H", "Content-Type: application/x-ndjson", "--data-binary", "@-", url + "/v1/events",
            ], input: line)
            statuses.append(posted.stdout)
        }
        for writer in writers { #expect(writer.wait() == 0) }
        #expect(statuses == Array(repeating: "201", count: 40))

        let registered = try attest.run(["log", store, "--json"]).stdout.split(separator: "\n").filter { $0.contains(#""type":"learner.registered""#) }
        let sequences = try attest.run(["log", store, "--json"]).stdout.split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["sequence"] as! Int
        }
        #expect(registered.count == 121)  // L1 and 120 new learners
        #expect(sequences == Array(1...sequences.count), "a sequence was lost or repeated")
        #expect(try attest.run(["verify", store]).status == 0)

        // Another actor named in the body is refused, as a problem document curl reads.
        let refused = try curl.run([
            "-s", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/x-ndjson", "--data-binary", "@-", url + "/v1/events",
        ], input: Self.registrations("Z", 1)[0].replacingOccurrences(of: #""actor":{"id":"admin"}"#, with: #""actor":{"id":"a1"}"#))
        let problem = try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any]
        #expect(problem?["status"] as? Int == 403)
    }
}

/// The URL `attest serve` prints once it listens.
final class Listening: @unchecked Sendable {
    private let lock = NSCondition()
    private var heardURL: String?

    func heard(_ line: String) {
        guard let range = line.range(of: "http://") else { return }
        lock.withLock {
            heardURL = String(line[range.lowerBound...])
            lock.broadcast()
        }
    }

    func url(within seconds: TimeInterval) -> String? {
        let deadline = Date() + seconds
        return lock.withLock {
            while heardURL == nil, lock.wait(until: deadline) {}
            return heardURL
        }
    }
}
