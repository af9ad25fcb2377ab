import AttestKit
import AttestTesting
import Checkpoints
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// The pages over real HTTP: signing in with the form, each role's pages and 403s, and
/// the forms' CSRF token.
@Suite struct PageTests {
    /// Signs in through the sign-in form, answering the session cookie and the CSRF token the pages' forms carry.
    static func signIn(_ client: some TestClientProtocol, _ staff: String) async throws -> (cookie: HTTPFields, csrf: String) {
        let response = try await client.execute(
            uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "staffId=\(staff)&password=\(ServerTests.password)&next=%2Flearners"))
        #expect(response.status == .seeOther, "\(staff): \(String(buffer: response.body))")
        #expect(response.headers[.location] == "/learners")
        let cookie: HTTPFields = [.cookie: String(try #require(response.headers[.setCookie]).split(separator: ";")[0])]
        let page = try await client.execute(uri: "/checkpoints", method: .get, headers: cookie)
        let csrf = String(buffer: page.body).firstMatch(of: /name="csrf" value="([^"]+)"/).map { String($0.1) } ?? ""
        return (cookie, csrf)
    }

    static func form(_ headers: HTTPFields) -> HTTPFields {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        return headers
    }

    @Test func aPageAskedWithoutSigningInSendsTheBrowserToTheSignInForm() async throws {
        let (_, server) = try ServerTests.centre()
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            let response = try await client.execute(uri: "/learners?status=achieved", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/sign-in?next=%2Flearners%3Fstatus%3Dachieved")
            let form = try await client.execute(uri: "/sign-in?next=/learners", method: .get)
            #expect(form.status == .ok)
            #expect(form.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: form.body).contains(#"<form class="record" method="post" action="/sign-in">"#))
            let wrong = try await client.execute(
                uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "staffId=a1&password=wrong&next=%2F"))
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("the staff id or the password is not right"))
            let elsewhere = try await client.execute(
                uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "staffId=a1&password=\(ServerTests.password)&next=%2F%2Fevil.example"))
            #expect(elsewhere.headers[.location] == "/", "never sent off the site")
        }
    }

    @Test func eachRoleSeesThePagesTheMatrixAllowsAndA403PageForTheRest() async throws {
        let (centre, server) = try ServerTests.centre()
        try SigningKey(generatingFor: "test-centre").write(to: SigningKey.path(inStore: centre.path))
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            // admin, assessor a1, IQA i1, officer o1, EQA e1: what each page answers them.
            let expected: [(String, [HTTPResponse.Status])] = [
                ("/", [.ok, .ok, .ok, .ok, .ok]),
                ("/learners", [.ok, .ok, .ok, .ok, .ok]),
                ("/learners/L1", [.ok, .ok, .ok, .ok, .forbidden]),
                ("/learners/nobody", [.notFound, .notFound, .notFound, .notFound, .notFound]),
                ("/audit", [.ok, .forbidden, .ok, .ok, .ok]),
                ("/checkpoints", [.ok, .forbidden, .forbidden, .ok, .ok]),
            ]
            for (index, staff) in ["admin", "a1", "i1", "o1", "e1"].enumerated() {
                let (cookie, _) = try await Self.signIn(client, staff)
                for (uri, statuses) in expected {
                    let response = try await client.execute(uri: uri, method: .get, headers: cookie)
                    let body = String(buffer: response.body)
                    #expect(response.status == statuses[index], "\(uri) for \(staff): \(body.prefix(300))")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(uri) for \(staff)")
                    #expect(body.contains("Signed in as <strong>\(staff)</strong>"), "\(uri) for \(staff): the bar")
                    if response.status == .forbidden { #expect(body.contains(#"<p class="error" role="alert">"#)) }
                }
            }
        }
    }

    @Test func theAdministratorSignsACheckpointWithTheFormAndItsTokenIsRequired() async throws {
        let (centre, server) = try ServerTests.centre()
        let (path, store) = (centre.path, centre.store)
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            let (cookie, csrf) = try await Self.signIn(client, "admin")
            #expect(!csrf.isEmpty)
            // No key yet: refused in place, in the API's words.
            var response = try await client.execute(uri: "/checkpoints", method: .post, headers: Self.form(cookie), body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(response.status == .conflict)
            #expect(String(buffer: response.body).contains("the store has no signing key"))
            try SigningKey(generatingFor: "test-centre").write(to: SigningKey.path(inStore: path))
            response = try await client.execute(uri: "/checkpoints", method: .post, headers: Self.form(cookie), body: ByteBuffer(string: "csrf=wrong"))
            #expect(response.status == .forbidden)
            #expect(try CheckpointLog(log: store.log).all().isEmpty, "nothing signed without the token")
            response = try await client.execute(uri: "/checkpoints", method: .post, headers: Self.form(cookie), body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/checkpoints?signed=1")
            let page = String(buffer: try await client.execute(uri: "/checkpoints?signed=1", method: .get, headers: cookie).body)
            #expect(page.contains("Checkpoint 1 is signed."))
            #expect(page.contains(#"<td class="n">\#(try store.log.head().sequence)</td>"#))
            #expect(page.contains("not witnessed"))
            // Signing out ends the session.
            response = try await client.execute(uri: "/sign-out", method: .post, headers: Self.form(cookie), body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(response.status == .seeOther)
            #expect(try await client.execute(uri: "/", method: .get, headers: cookie).status == .seeOther)
        }
    }

    @Test func theLearnersPageFindsByReferenceAndFilters() async throws {
        let (_, server) = try ServerTests.centre()
        try await server.application(port: 0, logger: ServerTests.logger).test(.live) { client in
            let (cookie, _) = try await Self.signIn(client, "admin")
            let page = String(buffer: try await client.execute(uri: "/learners?q=l1", method: .get, headers: cookie).body)
            #expect(page.contains(#"<a href="/learners/L1">L1</a>"#))
            #expect(page.contains("1 learner matches."))
            let none = String(buffer: try await client.execute(uri: "/learners?status=withdrawn", method: .get, headers: cookie).body)
            #expect(none.contains("No learner matches."))
            // By name (opened from the registration) and by ULN (through its keyed digest).
            let registration = ServerTests.registration("L-ULN").replacingOccurrences(of: #""givenName""#, with: #""uln":"1234567890","givenName""#)
            #expect(try await ServerTests.post(client, [registration], as: try await ServerTests.signIn(client, "admin")).status == .created)
            let byName = String(buffer: try await client.execute(uri: "/learners?q=HOPP", method: .get, headers: cookie).body)
            #expect(byName.contains(#"<a href="/learners/L-ULN">L-ULN</a> Grace Hopper"#))
            #expect(!byName.contains("/learners/L1\""))
            let byULN = String(buffer: try await client.execute(uri: "/learners?q=1234567890", method: .get, headers: cookie).body)
            #expect(byULN.contains("1 learner matches.") && byULN.contains("/learners/L-ULN"))
            let bad = try await client.execute(uri: "/learners?status=lost", method: .get, headers: cookie)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("status is lost; it is one of"))
        }
    }
}
