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

extension ServeCommandTests {
    /// `attest serve --tls-cert --tls-key` answers HTTPS with the centre's certificate, and
    /// its session cookies are Secure; curl trusts it with the certificate as its CA.
    @Test func itAnswersHTTPSWithTheCertificateItIsGiven() throws {
        let centre = try TestCentre.standard()
        let store = centre.path
        #expect(try attest.run(["user", "add", store, "admin", "--actor", "admin", "--password-stdin"], input: "an administrator's password\n").status == 0)
        let directory = TemporaryDirectory("tls")
        let cert = directory.child("cert.pem"), key = directory.child("key.pem")
        let made = try Command(absolute: "/usr/bin/openssl").run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
        ])
        #expect(made.status == 0, "\(made.stderr)")

        let halfGiven = try attest.run(["serve", store, "--tls-cert", cert])
        #expect(halfGiven.status != 0 && halfGiven.stderr.contains("--tls-cert and --tls-key are given together"))
        let wrongKey = try attest.run(["serve", store, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert])
        #expect(wrongKey.status != 0 && wrongKey.stderr.contains("--tls-key \(cert)"), "\(wrongKey.stderr)")

        let listening = Listening()
        let server = try attest.start(["serve", store, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key]) { listening.heard($0) }
        defer { server.kill() }
        let url = try #require(listening.url(within: 60), "the server did not say where it listens")
        #expect(url.hasPrefix("https://127.0.0.1:"))
        #expect(try curl.run(["-sf", "--cacert", cert, url + "/healthz"]).stdout == "ok\n")
        // Neither a client that does not trust the certificate nor plain HTTP is answered.
        #expect(try curl.run(["-sf", url + "/healthz"]).status != 0)
        #expect(try curl.run(["-sf", "--max-time", "5", url.replacingOccurrences(of: "https://", with: "http://") + "/healthz"]).status != 0)
        let signedIn = try curl.run([
            "-s", "-D", "-", "-o", "/dev/null", "--cacert", cert, "-H", "Content-Type: application/json",
            "--data-binary", #"{"staffId":"admin","password":"an administrator's password"}"#, url + "/v1/session",
        ])
        let cookie = signedIn.stdout.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }.map(String.init) ?? ""
        #expect(signedIn.stdout.hasPrefix("HTTP/1.1 200") && cookie.contains("Secure") && cookie.contains("HttpOnly"), "\(signedIn.stdout)")
    }
}

extension ServeCommandTests {
    /// Reads Server-Sent Events from URL with TOKEN: HALF of them, then it reconnects
    /// with Last-Event-ID and reads on until sequence LAST; prints each event's sequence
    /// and leaf hash.
    static let subscriber = #"""
        import sys, urllib.request
        url, token, half, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        def events(last_id):
            headers = {"Authorization": "Bearer " + token}
            if last_id is not None:
                headers["Last-Event-ID"] = str(last_id)
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as stream:
                event = {}
                for raw in stream:
                    line = raw.decode().rstrip("\n")
                    if line == "":
                        yield event
                        event = {}
                    elif not line.startswith(":"):
                        name, _, value = line.partition(": ")
                        event[name] = value
        seen = []
        for event in events(None):
            seen.append(event)
            if len(seen) == half:
                break
        for event in events(seen[-1]["id"]):
            seen.append(event)
            if int(seen[-1]["id"]) == last:
                break
        import json
        for event in seen:
            data = json.loads(event["data"])
            assert data["sequence"] == int(event["id"]) and data["record"]["sequence"] == data["sequence"]
            print(data["sequence"], data["leafHash"])
        """#

    @Test func aSubscriberFromTheStartGetsEveryEventOnceInOrderThroughAReconnect() throws {
        let centre = try TestCentre.standard()
        let store = centre.path
        _ = try attest.run(["user", "add", store, "admin", "--actor", "admin", "--password-stdin"], input: "an administrator's password\n")
        let token = try #require(try attest.run(["user", "token", store, "admin", "--days", "1", "--actor", "admin"]).stdout
            .split(separator: "\n").last?.split(separator: " ").last.map(String.init))
        let before = Int(try centre.store.log.head().sequence)
        let last = before + 30
        let listening = Listening()
        let server = try attest.start(["serve", store, "--listen", "127.0.0.1:0"]) { listening.heard($0) }
        defer { server.kill() }
        let url = try #require(listening.url(within: 60))
        let lines = LinesHeard()
        let python = try Command(absolute: "/usr/bin/env").start(
            ["python3", "-c", Self.subscriber, url + "/v1/events/subscribe?from=0", token, String(before + 5), String(last)]) { lines.heard($0) }
        // Writers append while the subscriber reads, catches up and reconnects.
        for line in Self.registrations("S", 30) {
            let posted = try curl.run([
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                "-H", "Content-Type: application/x-ndjson", "--data-binary", "@-", url + "/v1/events",
            ], input: line)
            #expect(posted.stdout == "201")
        }
        #expect(python.wait(timeout: 60) == 0)
        let heard = lines.all.map { $0.split(separator: " ") }
        #expect(heard.map { Int($0[0])! } == Array(1...last), "not every event once, in order")
        var leaves: [String] = []
        try centre.store.log.read { leaves.append($0.chainHash.hex); return true }
        #expect(heard.map { String($0[1]) } == leaves)
    }
}

extension ServeCommandTests {
    @Test func anEQADownloadsALearnersBundleAndReplaysIt() throws {
        let centre = try TestCentre.standard()
        try centre.record(.staffRegistered(.with { $0.staffID = "e1"; $0.roles = [.externalQualityAssurer] }), by: "admin")
        let store = centre.path
        let directory = TemporaryDirectory("bundle-download")
        let key = try attest.run(["key", store, "--create"])
        try key.stdout.write(toFile: directory.child("centre.pub"), atomically: true, encoding: .utf8)
        var tokens: [String: String] = [:]
        for staff in ["admin", "e1"] {
            _ = try attest.run(["user", "add", store, staff, "--actor", "admin", "--password-stdin"], input: "a password for the test\n")
            tokens[staff] = try #require(try attest.run(["user", "token", store, staff, "--days", "1", "--actor", "admin"]).stdout
                .split(separator: "\n").last?.split(separator: " ").last.map(String.init))
        }
        let listening = Listening()
        let server = try attest.start(["serve", store, "--listen", "127.0.0.1:0"]) { listening.heard($0) }
        defer { server.kill() }
        let url = try #require(listening.url(within: 60))
        func get(_ path: String, as staff: String, to file: String) throws -> String {
            try curl.run(["-s", "-o", file, "-w", "%{http_code}", "-H", "Authorization: Bearer \(tokens[staff]!)", url + path]).stdout
        }
        let zip = directory.child("bundle.zip")
        #expect(try get("/v1/learners/L1/bundle", as: "e1", to: zip) == "409", "no checkpoint covers the log yet")
        let signed = try curl.run(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(tokens["admin"]!)", url + "/v1/checkpoints"])
        #expect(signed.stdout == "201")
        #expect(try get("/v1/learners/L1/bundle", as: "e1", to: zip) == "200")
        let unzipped = try Command(absolute: "/usr/bin/env").run(["python3", "-m", "zipfile", "-e", zip, directory.child("out")])
        #expect(unzipped.status == 0, "\(unzipped.stderr)")
        let replay = try Command("attest-replay").run([directory.child("out/bundle-L1"), "--key", directory.child("centre.pub")])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
    }
}

/// The lines a background command printed.
final class LinesHeard: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func heard(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// The URL `attest serve` prints once it listens.
final class Listening: @unchecked Sendable {
    private let lock = NSCondition()
    private var heardURL: String?

    func heard(_ line: String) {
        guard let range = line.range(of: "http://") ?? line.range(of: "https://") else { return }
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
