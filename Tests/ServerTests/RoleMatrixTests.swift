import AttestKit
import AttestTesting
import Checkpoints
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// Every endpoint of the API asked by every role, and by no one, answers as the role
/// matrix in docs/server.md says.
@Suite struct RoleMatrixTests {
    /// The staff who sign in, one for each role (L1's assessor and IQA), then no one.
    static let staff = ["admin", "a1", "i1", "o1", "e1", nil]

    /// What `staff` (in the order above) get for one request.
    struct Row {
        let method: HTTPRequest.Method
        let uri: String
        let body: String?
        let expected: [HTTPResponse.Status]

        init(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, _ expected: [HTTPResponse.Status]) {
            self.method = method
            self.uri = uri
            self.body = body
            self.expected = expected
        }
    }

    /// Reads, asked once the administrator has signed a checkpoint covering the log.
    static let reads: [Row] = [
        Row(.get, "/v1/events?limit=5", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/learners?limit=5", [.ok, .ok, .ok, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/learners/L1/transcript", [.ok, .ok, .ok, .ok, .forbidden, .unauthorized]),
        Row(.get, "/v1/learners/L1/transcript?asOf=2030-01-01", [.ok, .ok, .ok, .ok, .forbidden, .unauthorized]),
        Row(.get, "/v1/audit", [.ok, .forbidden, .ok, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/sampling-grid", [.ok, .forbidden, .ok, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/checkpoints", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/checkpoints/latest", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/proofs/inclusion?sequence=3", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/proofs/consistency?from=2", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/bundles/store", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/learners/L1/bundle", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]),
        Row(.get, "/v1/accounts", [.ok, .forbidden, .forbidden, .forbidden, .forbidden, .unauthorized]),
        Row(.get, "/healthz", [.ok, .ok, .ok, .ok, .ok, .ok]),
        Row(.get, "/metrics", [.ok, .ok, .ok, .ok, .ok, .ok]),
        Row(.get, "/openapi.yaml", [.ok, .ok, .ok, .ok, .ok, .ok]),
    ]

    @Test func everyEndpointAnswersEachRoleAsTheMatrixSays() async throws {
        let (centre, server) = try ServerTests.centre()
        try SigningKey(generatingFor: "test-centre").write(to: SigningKey.path(inStore: centre.path))
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            var headers: [HTTPFields] = []
            for staff in Self.staff {
                if let staff { headers.append(try await ServerTests.signIn(client, staff)) } else { headers.append([:]) }
            }
            /// Asks `row` of everyone; a granted request is left out when `granted` is false
            /// (a granted subscription streams until it is closed).
            func ask(_ row: Row, granted: Bool = true) async throws {
                for (index, staff) in Self.staff.enumerated() where granted || row.expected[index].code >= 400 {
                    var fields = headers[index]
                    if row.body != nil { fields[.contentType] = "application/json" }
                    let response = try await client.execute(uri: row.uri, method: row.method, headers: fields, body: row.body.map { ByteBuffer(string: $0) })
                    #expect(response.status == row.expected[index], "\(row.method) \(row.uri) by \(staff ?? "no one"): \(String(buffer: response.body).prefix(300))")
                }
            }

            try await ask(Row(.post, "/v1/checkpoints", [.created, .forbidden, .forbidden, .forbidden, .forbidden, .unauthorized]))
            for row in Self.reads { try await ask(row) }
            try await ask(Row(.get, "/v1/events/subscribe", [.ok, .forbidden, .forbidden, .ok, .ok, .unauthorized]), granted: false)

            // Recording: each role the types its roles record, and no other.
            let recordable: [String?] = [
                ServerTests.registration("L-M1"),
                ServerTests.line("evidence.submitted", by: "a1", #"{"evidenceId":"EV-M1","learnerId":"L1","unit":"A/506/2130","method":"OBSERVATION","criteria":["1.1"],"artefact":{"sha256":"\#(String(repeating: "cd", count: 32))","mediaType":"application/pdf","sizeBytes":"900"}}"#),
                ServerTests.line("standardisation.recorded", by: "i1", #"{"activityId":"ST-M1","ledBy":"i1","participants":["a1","i1"],"units":["A/506/2130"],"agreedOutcome":"Observation records show each request followed through."}"#),
                nil,  // the officer's below, once there is an adjustment to decide
                ServerTests.registration("L-M2"),
                ServerTests.registration("L-M3"),
            ]
            let recorded: [HTTPResponse.Status] = [.created, .created, .created, .created, .forbidden, .unauthorized]
            for (index, line) in recordable.enumerated() {
                guard let line else { continue }
                let response = try await ServerTests.post(client, [line], as: headers[index])
                #expect(response.status == recorded[index], "\(Self.staff[index] ?? "no one") recording: \(String(buffer: response.body).prefix(300))")
            }
            let request = ServerTests.line("reasonable_adjustment.requested", by: "admin", #"{"adjustmentId":"RA-M1","learnerId":"L1","arrangement":"extra time for written tasks","units":["A/506/2130"]}"#)
            #expect(try await ServerTests.post(client, [request], as: headers[0]).status == .created)
            let approval = ServerTests.line("reasonable_adjustment.approved", by: "o1", #"{"adjustmentId":"RA-M1","conditions":"written tasks only"}"#)
            let approved = try await ServerTests.post(client, [approval], as: headers[3])
            #expect(approved.status == .created, "\(String(buffer: approved.body).prefix(300))")
            for (index, staff) in Self.staff.enumerated() where staff != nil && staff != "admin" {
                let withdrawal = ServerTests.line("learner.withdrawn", by: staff!, #"{"learnerId":"L1","reason":"moved away"}"#)
                #expect(try await ServerTests.post(client, [withdrawal], as: headers[index]).status == .forbidden, "\(staff!) withdrawing a learner")
            }

            // Accounts: the administrator's alone.
            let password = #"{"password":"\#(ServerTests.password)"}"#
            let administrators: [HTTPResponse.Status] = [.forbidden, .forbidden, .forbidden, .forbidden, .unauthorized]
            try await ask(Row(.post, "/v1/accounts", body: #"{"staffId":"d1","password":"\#(ServerTests.password)"}"#, [.created] + administrators))
            try await ask(Row(.post, "/v1/accounts/d1/reset", body: password, [.noContent] + administrators))
            try await ask(Row(.post, "/v1/accounts/d1/disable", [.noContent] + administrators))

            // Tokens: each staff member their own; an administrator anyone's.
            var tokens: [String] = []
            for (index, staff) in Self.staff.enumerated() {
                var fields = headers[index]
                fields[.contentType] = "application/json"
                let response = try await client.execute(uri: "/v1/tokens", method: .post, headers: fields, body: ByteBuffer(string: #"{"days":1}"#))
                #expect(response.status == (staff == nil ? .unauthorized : .created), "\(staff ?? "no one") issuing a token")
                if staff != nil { tokens.append(try #require(try ServerTests.json(response)["id"] as? String)) }
            }
            let assessorsToken = "/v1/tokens/\(tokens[1])"
            for index in 2..<Self.staff.count {
                let status = try await client.execute(uri: assessorsToken, method: .delete, headers: headers[index]).status
                #expect(status == (Self.staff[index] == nil ? .unauthorized : .forbidden), "\(Self.staff[index] ?? "no one") revoking a1's token")
            }
            #expect(try await client.execute(uri: assessorsToken, method: .delete, headers: headers[0]).status == .noContent)
            for (index, token) in tokens.enumerated() where index != 1 {
                #expect(try await client.execute(uri: "/v1/tokens/\(token)", method: .delete, headers: headers[index]).status == .noContent, "\(Self.staff[index]!) revoking their own token")
            }

            // Signing out ends each session.
            for (index, staff) in Self.staff.enumerated() where staff != nil {
                #expect(try await client.execute(uri: "/v1/session", method: .delete, headers: headers[index]).status == .noContent)
                #expect(try await client.execute(uri: "/v1/audit", method: .get, headers: headers[index]).status == .unauthorized, "\(staff!) after signing out")
            }
        }
        #expect(try centre.store.log.verify().records == centre.store.log.head().sequence)
    }

    /// An EQA reads the transcripts of the learners they asked to see, and only theirs.
    @Test func anEQAReadsTheLearnersInTheirSample() async throws {
        let (centre, server) = try ServerTests.centre()
        try centre.record(.learnerRegistered(TestCentre.learner("L2")), by: "admin")
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            let eqa = try await ServerTests.signIn(client, "e1")
            let listed = { () async throws -> [String] in
                let response = try await client.execute(uri: "/v1/learners", method: .get, headers: eqa)
                return (try ServerTests.json(response)["learners"] as? [[String: Any]])?.compactMap { $0["learner"] as? String } ?? []
            }
            #expect(try await listed() == [])
            #expect(try await client.execute(uri: "/v1/learners/L2/transcript", method: .get, headers: eqa).status == .forbidden)

            let admin = try await ServerTests.signIn(client, "admin")
            let sample = ServerTests.line("eqa_sample.requested", by: "admin", #"{"sampleId":"EQA-1","externalQualityAssurer":"e1","learners":["L2"]}"#)
            let recorded = try await ServerTests.post(client, [sample], as: admin)
            #expect(recorded.status == .created, "\(String(buffer: recorded.body))")
            #expect(try await listed() == ["L2"])
            let transcript = try await client.execute(uri: "/v1/learners/L2/transcript", method: .get, headers: eqa)
            #expect(transcript.status == .ok)
            #expect(try ServerTests.json(transcript)["learner"] as? String == "L2")
            #expect(try await client.execute(uri: "/v1/learners/L1/transcript", method: .get, headers: eqa).status == .forbidden)

            // A sample naming someone who is not an EQA, or a learner not registered, is refused.
            for (payload, rule) in [
                (#"{"sampleId":"EQA-2","externalQualityAssurer":"a1","learners":["L1"]}"#, "role"),
                (#"{"sampleId":"EQA-3","externalQualityAssurer":"e1","learners":["L9"]}"#, "learner-registered"),
                (#"{"sampleId":"EQA-1","externalQualityAssurer":"e1","learners":["L1"]}"#, "id-unique"),
            ] {
                let refused = try await ServerTests.post(client, [ServerTests.line("eqa_sample.requested", by: "admin", payload)], as: admin)
                let named = try ServerTests.json(refused)["rule"] as? String
                #expect(refused.status == .unprocessableContent && named == rule, "\(String(buffer: refused.body))")
            }
        }
    }
}
