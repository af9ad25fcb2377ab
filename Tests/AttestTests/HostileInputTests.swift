import AttestTesting
import Foundation
import Testing

/// What a hostile user or a careless operator gives `attest`: each is refused with a
/// clear message and exit 1 (input) or 2 (command line), nothing is appended, and the
/// store still verifies.
@Suite struct HostileInputTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("hostile")
    var store: String { directory.child("centre.store") }

    static let admin = #"{"type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:00:00Z","payload":{"staffId":"admin-1","roles":["CENTRE_ADMINISTRATOR"]}}"#

    init() throws {
        #expect(try attest.run(["init", store]).status == 0)
        #expect(try attest.run(["append", store, "-"], input: Self.admin).status == 0)
    }

    /// Runs `arguments` and checks the store is as it was: one record, verifying.
    func refused(_ arguments: [String], input: String = "", status: Int32 = 1) throws -> String {
        let result = try attest.run(arguments, input: input)
        #expect(result.status == status, "\(arguments.prefix(3)): \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        #expect(result.stderr.utf8.count < 2_000, "a refusal of \(result.stderr.utf8.count) bytes")
        let head = try attest.run(["head", store, "--json"])
        #expect(head.stdout.contains(#""sequence":1"#) || head.stdout.contains(#""sequence" : 1"#), "\(head.stdout)")
        #expect(try attest.run(["verify", store]).status == 0)
        return result.stderr
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.child(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aLineThatIsNotStrictJSONIsRefusedByLineAndField() throws {
        let withdrawn = #"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"L1","reason":"moved away"}}"#
        let twice = withdrawn.replacingOccurrences(of: #""actor":{"id":"admin-1"}"#, with: #""actor":{"id":"admin-1"},"actor":{"id":"x"}"#)
        #expect(try refused(["append", store, "-"], input: Self.admin + "\n" + twice).contains(#"line 2: has "actor" twice; nothing was appended"#))

        var invalid = Array(withdrawn.utf8)
        invalid.insert(0xC3, at: invalid.count - 8)
        let bad = try file("invalid.ndjson", invalid)
        #expect(try refused(["append", store, bad]).contains(#"line 1: "payload.reason" is not valid UTF-8"#))

        let nul = withdrawn.replacingOccurrences(of: #"{"type""#, with: #"{"id":"0191d6dc-bc22-70ba-84d0-c5120bd70c99\u0000garbage","type""#)
        #expect(try refused(["append", store, "-"], input: nul).contains(#"line 1: "id" "0191d6dc-bc22-70ba-84d0-c5120bd70c99\u{0}garbage" holds a space or control character"#))

        let poobah = Self.admin.replacingOccurrences(of: #"{"id":"admin-1"}"#, with: #"{"id":"admin-2","role":"grand_poobah"}"#)
        #expect(try refused(["append", store, "-"], input: poobah).contains(#"line 1: "actor.role" "grand_poobah" is not a role"#))
    }

    @Test func hugeValuesAreRefusedBeforeTheStoreAndQuotedShort() throws {
        let sample = #"{"type":"assessment.sampled","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"sampleId":"\#(String(repeating: "s", count: 505))","assessmentId":"AS-1","stage":"INTERIM","outcome":"AGREED"}}"#
        let refusal = try refused(["append", store, "-"], input: sample)
        #expect(refusal.contains(#"line 1: "payload.sampleId" is 505 bytes long; a reference is at most 128"#))
        #expect(!refusal.contains("LMDB"))

        let actor = #"{"type":"learner.withdrawn","actor":{"id":"\#(String(repeating: "a", count: 500_000))"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"L1","reason":"r"}}"#
        #expect(try refused(["append", store, "-"], input: actor).contains(#"line 1: "actor.id" is 500000 bytes long; a reference is at most 128"#))

        let mediaType = #"{"type":"evidence.submitted","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"evidenceId":"EV-1","artefact":{"mediaType":"\#(String(repeating: "m", count: 2_000_000))"}}}"#
        #expect(try refused(["append", store, "-"], input: mediaType).contains("line 1: is longer than 1048576 bytes, the most a line may hold"))
    }

    @Test func inputsThatAreNotFilesAreRefusedWithoutReadingThem() throws {
        #expect(try refused(["append", store, directory.path]).contains("is a directory; give a file, or - for standard input"))
        #expect(try refused(["append", store, "/dev/zero"]).contains("/dev/zero is not a regular file or a pipe"))
        #expect(try refused(["append", store, directory.child("missing.ndjson")]).contains("missing.ndjson: No such file or directory"))
        #expect(try refused(["spec", "import", store, "/dev/zero", "--actor", "admin-1"]).contains("is not a regular file or a pipe"))
        // A stream with no line break stops at the line limit instead of filling memory.
        let endless = try file("endless.ndjson", Array(repeating: UInt8(ascii: "{"), count: 3 << 20))
        #expect(try refused(["append", store, endless]).contains("line 1: is longer than 1048576 bytes"))
    }

    @Test func optionsOutOfRangeAreUsageErrors() throws {
        #expect(try refused(["audit", store, "--months", "10000000"], status: 2).contains("--months must be from 1 to 1200, not 10000000"))
        #expect(try refused(["rebuild", store, "--dry-run", "--months", "0"], status: 2).contains("--months must be from 1 to 1200, not 0"))
        #expect(try refused(["append", store, "-", "--batch-size", "0"], status: 2).contains("--batch-size must be 1 or more"))
        #expect(try attest.run(["generate", "--learners", "99999999999"]).status == 2)
        #expect(try refused(["audit", store, "--html", directory.child("no/such/dir/audit.html")]).contains("No such file or directory"))
    }
}
