import AttestKit
import AttestTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Testing

/// `attest serve` over real HTTP on loopback: staff sign in, record as themselves within
/// their roles, and read what the role matrix lets them read.
@Suite struct ServerTests {
    static let password = "a long enough password"
    /// The server's request log, kept out of the tests' output.
    static let logger = {
        var logger = Logger(label: "attest.serve")
        logger.logLevel = .warning
        return logger
    }()

    /// The standard test centre, with accounts for its admin, assessors and IQAs and the
    /// awarding-organisation officer, and an EQA `e1` with an account too.
    static func centre() throws -> (TestCentre, CentreServer) {
        let centre = try TestCentre.standard(projections: CentreStore.reports)
        try centre.record(.staffRegistered(.with { $0.staffID = "e1"; $0.roles = [.externalQualityAssurer] }), by: "admin")
        let server = try CentreServer(store: centre.store)
        for staff in ["admin", "a1", "a2", "i1", "i2", "o1", "e1"] {
            try server.accounts.open(staff, password: password, by: actor("admin"), now: Date())
        }
        return (centre, server)
    }

    static func actor(_ id: String) -> Actor {
        var actor = Actor()
        actor.id = id
        return actor
    }

    /// An NDJSON line of `type` by `actor`, happening now.
    static func line(_ type: String, by actor: String, _ payload: String, id: UUID = UUID()) -> String {
        #"{"id":"\#(id.uuidString.lowercased())","type":"\#(type)","actor":{"id":"\#(actor)"},"occurredAt":"\#(Timestamp.format(Date()))","payload":\#(payload)}"#
    }

    static func registration(_ learner: String) -> String {
        line("learner.registered", by: "admin", #"{"learnerId":"\#(learner)","qualification":"603/4767/3","specificationVersion":1,"dateOfBirth":"2000-05-17","givenName":"Grace","familyName":"Hopper","assessor":"a1","internalQualityAssurer":"i1"}"#)
    }

    /// Signs in as `staff`, returning the headers later requests carry: the session
    /// cookie and its CSRF token.
    static func signIn(_ client: some TestClientProtocol, _ staff: String, password: String = password) async throws -> HTTPFields {
        let response = try await client.execute(
            uri: "/v1/session", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"staffId":"\#(staff)","password":"\#(password)"}"#))
        #expect(response.status == .ok, "\(staff) did not sign in: \(String(buffer: response.body))")
        let cookie = try #require(response.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
        return [.cookie: String(cookie.split(separator: ";")[0]), HTTPField.Name("X-CSRF-Token")!: json["csrfToken"] as! String]
    }

    static func post(_ client: some TestClientProtocol, _ lines: [String], as headers: HTTPFields) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-ndjson"
        return try await client.execute(uri: "/v1/events", method: .post, headers: headers, body: ByteBuffer(string: lines.joined(separator: "\n")))
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
    }

    @Test func aLearnersJourneyIsRecordedByTheRightStaffAndReadBack() async throws {
        let (centre, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let admin = try await Self.signIn(client, "admin")
            var response = try await Self.post(client, [Self.registration("L7")], as: admin)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            #expect((try Self.json(response)["appended"] as? [[String: Any]])?.first?["line"] as? Int == 1)

            let token = try server.accounts.issueToken(to: "a1", expiresAt: Date() + 3600, by: Self.actor("a1"))
            let assessor: HTTPFields = [.authorization: "Bearer \(token.text)"]
            let evidence = Self.line("evidence.submitted", by: "a1", #"{"evidenceId":"EV-7","learnerId":"L7","unit":"A/506/2130","method":"OBSERVATION","criteria":["1.1","1.2"],"artefact":{"sha256":"\#(String(repeating: "ab", count: 32))","mediaType":"application/pdf","sizeBytes":"1200"}}"#)
            let assessment = Self.line("evidence.assessed", by: "a1", #"{"assessmentId":"AS-7","evidenceId":"EV-7","decisions":[{"criterion":"1.1","outcome":"MET"},{"criterion":"1.2","outcome":"MET"}],"feedback":"Calm and clear with the customer."}"#)
            response = try await Self.post(client, [evidence, assessment], as: assessor)
            #expect(response.status == .created, "\(String(buffer: response.body))")

            response = try await client.execute(uri: "/v1/learners/L7/transcript", method: .get, headers: assessor)
            #expect(response.status == .ok)
            let transcript = try Self.json(response)
            #expect(transcript["learner"] as? String == "L7")
            #expect(transcript["givenName"] as? String == "Grace")
            let units = try #require(transcript["units"] as? [[String: Any]])
            let unit = try #require(units.first { $0["unit"] as? String == "A/506/2130" })
            let met = (unit["criteria"] as? [[String: Any]])?.filter { $0["status"] as? String == "met" }.count
            #expect(met == 2)
            var asking = assessor
            asking[.accept] = "text/html,application/xhtml+xml,*/*;q=0.8"
            let page = try await client.execute(uri: "/v1/learners/L7/transcript", method: .get, headers: asking)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: page.body).contains("<h1>Learner L7 Grace Hopper</h1>") && String(buffer: page.body).contains(#"<table class="map">"#))
        }
        #expect(try centre.store.log.verify().records == centre.store.log.head().sequence)
    }

    @Test func anEventNamingAnotherActorIsRefusedAndNothingIsAppended() async throws {
        let (centre, server) = try Self.centre()
        let head = try centre.store.log.head().sequence
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let assessor = try await Self.signIn(client, "a1")
            let response = try await Self.post(client, [Self.registration("L8")], as: assessor)
            #expect(response.status == .forbidden)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try Self.json(response)
            #expect(problem["line"] as? Int == 1)
            #expect((problem["detail"] as? String)?.contains("the actor is admin, but the request is made by a1") == true)
        }
        #expect(try centre.store.log.head().sequence == head)
    }

    @Test func aRuleRefusalNamesTheLineAndTheRuleInTheCommandLinesWords() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let admin = try await Self.signIn(client, "admin")
            let response = try await Self.post(client, [Self.registration("L9"), Self.registration("L9")], as: admin)
            #expect(response.status == .unprocessableContent)
            let problem = try Self.json(response)
            #expect(problem["line"] as? Int == 2)
            #expect(problem["rule"] as? String == "learner-unique")
            #expect(problem["detail"] as? String == "line 2: rule learner-unique: learner L9 is already registered; nothing was appended")
        }
    }

    @Test func aSessionChangeWithoutItsCSRFTokenIsRefused() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            var admin = try await Self.signIn(client, "admin")
            admin[HTTPField.Name("X-CSRF-Token")!] = nil
            let response = try await Self.post(client, [Self.registration("L10")], as: admin)
            #expect(response.status == .forbidden)
        }
    }

    @Test func eachRoleReadsWhatTheMatrixAllows() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            // (staff, transcript of L1 (assessor a1, IQA i1), audit, log)
            let expected: [(String, HTTPResponse.Status, HTTPResponse.Status, HTTPResponse.Status)] = [
                ("admin", .ok, .ok, .ok), ("a1", .ok, .forbidden, .forbidden), ("a2", .forbidden, .forbidden, .forbidden),
                ("i1", .ok, .ok, .forbidden), ("i2", .forbidden, .ok, .forbidden), ("o1", .ok, .ok, .ok), ("e1", .forbidden, .ok, .ok),
            ]
            for (staff, transcript, audit, log) in expected {
                let headers = try await Self.signIn(client, staff)
                #expect(try await client.execute(uri: "/v1/learners/L1/transcript", method: .get, headers: headers).status == transcript, "\(staff) transcript")
                #expect(try await client.execute(uri: "/v1/audit", method: .get, headers: headers).status == audit, "\(staff) audit")
                #expect(try await client.execute(uri: "/v1/events?limit=5", method: .get, headers: headers).status == log, "\(staff) log")
            }
            let listed = { (staff: String) async throws -> [String] in
                let response = try await client.execute(uri: "/v1/learners?limit=1", method: .get, headers: try await Self.signIn(client, staff))
                return (try Self.json(response)["learners"] as? [[String: Any]])?.compactMap { $0["learner"] as? String } ?? []
            }
            #expect(try await listed("a1") == ["L1"])
            #expect(try await listed("a2") == [])
            #expect(try await listed("i1") == ["L1"])
            #expect(try await listed("e1") == [], "an EQA who asked to see no learner")
            for uri in ["/v1/learners/L1/transcript", "/v1/audit", "/v1/events", "/v1/learners"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized, "\(uri) without signing in")
            }
            let eqa = try await Self.signIn(client, "e1")
            #expect(try await Self.post(client, [Self.registration("L11")], as: eqa).status == .forbidden)
        }
    }

    @Test func aDisabledAccountAndARevokedOrExpiredTokenAreRefused() async throws {
        let (_, server) = try Self.centre()
        let accounts = server.accounts
        let kept = try accounts.issueToken(to: "a1", expiresAt: Date() + 3600, by: Self.actor("a1"))
        let revoked = try accounts.issueToken(to: "a2", expiresAt: Date() + 3600, by: Self.actor("a2"))
        try accounts.revokeToken(revoked.id, by: Self.actor("admin"))
        let expiring = try accounts.issueToken(to: "i1", expiresAt: Date() + 1, by: Self.actor("i1"))
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            func status(_ token: IssuedToken) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/v1/audit", method: .get, headers: [.authorization: "Bearer \(token.text)"]).status
            }
            #expect(try await status(revoked) == .unauthorized)
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await status(expiring) == .unauthorized)
            let session = try await Self.signIn(client, "a1")
            try accounts.disable("a1", by: Self.actor("admin"))
            #expect(try await status(kept) == .unauthorized)
            #expect(try await client.execute(uri: "/v1/learners/L1/transcript", method: .get, headers: session).status == .unauthorized)
            let response = try await client.execute(
                uri: "/v1/session", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"staffId":"a1","password":"\#(Self.password)"}"#))
            #expect(response.status == .unauthorized)
        }
    }

    @Test func repeatedFailedSignInsAreHeldBack() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            func signIn(_ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/session", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"staffId":"i2","password":"\#(password)"}"#))
            }
            for _ in 0..<5 { #expect(try await signIn("not the password").status == .unauthorized) }
            let held = try await signIn(Self.password)
            #expect(held.status == .tooManyRequests)
            #expect(held.headers[.retryAfter] != nil)
        }
    }

    @Test func concurrentRequestsAreEachAllOrNothing() async throws {
        let (centre, server) = try Self.centre()
        let token = try server.accounts.issueToken(to: "admin", expiresAt: Date() + 3600, by: Self.actor("admin"))
        let head = try centre.store.log.head().sequence
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<32 {
                    // Every eighth request registers a learner twice: refused, alone.
                    let lines = index % 8 == 0 ? [Self.registration("C\(index)"), Self.registration("C\(index)")] : [Self.registration("C\(index)")]
                    group.addTask { try await Self.post(client, lines, as: [.authorization: "Bearer \(token.text)"]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 28)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 4)
        }
        #expect(try centre.store.log.head().sequence == head + 28)
        #expect(try centre.store.log.verify().records == head + 28)
    }

    @Test func aSignInWithNoStaffIdIsRefusedAndAnUnknownMethodIs405() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let response = try await client.execute(
                uri: "/v1/session", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"staffId":"","password":"whatever it is"}"#))
            #expect(response.status == .unauthorized)
            let trace = try await client.execute(uri: "/v1/learners/L1/transcript", method: .put)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET, HEAD")
            #expect(try await client.execute(uri: "/v1/nothing", method: .get).status == .notFound)
            let document = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(String(buffer: document.body).hasPrefix("openapi: 3.1.0\n"))
        }
    }

    @Test func anAdministratorSignsCheckpointsAndAnEQAChecksProofsAgainstThem() async throws {
        let (centre, server) = try Self.centre()
        let path = centre.path
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let admin = try await Self.signIn(client, "admin")
            #expect(try await client.execute(uri: "/v1/checkpoints", method: .post, headers: admin).status == .conflict, "no signing key yet")
            try SigningKey(generatingFor: "test-centre").write(to: SigningKey.path(inStore: path))
            let created = try await client.execute(uri: "/v1/checkpoints", method: .post, headers: admin)
            #expect(created.status == .created)
            #expect(try Self.json(created)["size"] as? Int == Int(try server.store.log.head().sequence))
            let assessor = try await Self.signIn(client, "a1")
            #expect(try await client.execute(uri: "/v1/checkpoints", method: .post, headers: assessor).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/checkpoints", method: .get, headers: assessor).status == .forbidden)

            let eqa = try await Self.signIn(client, "e1")
            let listed = try await client.execute(uri: "/v1/checkpoints", method: .get, headers: eqa)
            #expect((try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [[String: Any]])?.count == 1)
            let latest = try Self.json(try await client.execute(uri: "/v1/checkpoints/latest", method: .get, headers: eqa))
            #expect((latest["note"] as? String)?.hasPrefix("test-centre\n") == true)
            let inclusion = try await client.execute(uri: "/v1/proofs/inclusion?sequence=3", method: .get, headers: eqa)
            let proof = try JSONDecoder().decode(InclusionProof.self, from: Data(buffer: inclusion.body))
            try proof.verify()
            #expect(proof.root.hex == latest["root"] as? String)
            let consistency = try await client.execute(uri: "/v1/proofs/consistency?from=2", method: .get, headers: eqa)
            try JSONDecoder().decode(ConsistencyProof.self, from: Data(buffer: consistency.body)).verify()
            #expect(try await client.execute(uri: "/v1/proofs/inclusion?sequence=100000", method: .get, headers: eqa).status == .badRequest)
        }
    }

    @Test func anAdministratorManagesAccountsAndStaffTheirOwnTokens() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            let admin = try await Self.signIn(client, "admin")
            let assessor = try await Self.signIn(client, "a1")
            func json(_ headers: HTTPFields, _ body: String) -> (HTTPFields, ByteBuffer) {
                var headers = headers
                headers[.contentType] = "application/json"
                return (headers, ByteBuffer(string: body))
            }
            var (headers, body) = json(assessor, #"{"staffId":"d1","password":"\#(Self.password)"}"#)
            #expect(try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body).status == .forbidden)
            (headers, body) = json(admin, #"{"staffId":"d1","password":"\#(Self.password)"}"#)
            #expect(try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body).status == .created)
            let again = try await client.execute(uri: "/v1/accounts", method: .post, headers: headers, body: body)
            #expect(again.status == .unprocessableContent)
            #expect(try Self.json(again)["rule"] as? String == "account-unique")
            _ = try await Self.signIn(client, "d1")

            // a1 issues their own token, which works until they revoke it; i1 may not revoke it.
            (headers, body) = json(assessor, #"{"days":7}"#)
            let issued = try Self.json(try await client.execute(uri: "/v1/tokens", method: .post, headers: headers, body: body))
            let token = try #require(issued["token"] as? String), id = try #require(issued["id"] as? String)
            #expect(try await client.execute(uri: "/v1/learners/L1/transcript", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .ok)
            let iqa = try await Self.signIn(client, "i1")
            #expect(try await client.execute(uri: "/v1/tokens/\(id)", method: .delete, headers: iqa).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/tokens/\(id)", method: .delete, headers: assessor).status == .noContent)
            #expect(try await client.execute(uri: "/v1/learners/L1/transcript", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)

            #expect(try await client.execute(uri: "/v1/accounts/d1/disable", method: .post, headers: admin).status == .noContent)
            let listed = try await client.execute(uri: "/v1/accounts", method: .get, headers: admin)
            let accounts = try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [[String: Any]]
            #expect(accounts?.first { $0["staffId"] as? String == "d1" }?["disabled"] as? Bool == true)
            #expect(!String(buffer: listed.body).contains(token))
        }
    }

    @Test func healthAndMetricsAnswerWithoutSigningIn() async throws {
        let (_, server) = try Self.centre()
        try await server.application(port: 0, logger: Self.logger).test(.live) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            _ = try await client.execute(uri: "/v1/audit", method: .get)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("attest_log_records "))
            #expect(metrics.contains(#"attest_http_requests_total{method="GET",route="/v1/audit",status="401"} 1"#))
        }
    }
}
