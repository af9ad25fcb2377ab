import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Testing

/// docs/events.md: its examples are a valid centre and every event type round-trips.
@Suite struct EventCatalogueTests {
    static let documentation = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/events.md"),
        encoding: .utf8)

    /// The NDJSON lines of docs/events.md, in story order (their ids count up).
    static let examples: [String] = {
        let text = documentation
        var lines: [String] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```ndjson" { inBlock = true } else if line == "```" { inBlock = false } else if inBlock { lines.append(String(line)) }
        }
        return lines.sorted { id(of: $0) < id(of: $1) }
    }()

    static func id(of line: String) -> String { (object(line)["id"] as? String) ?? "" }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// A JSON value written with sorted keys, to compare two parsed payloads.
    static func canonical(_ value: Any?) throws -> Data {
        try JSONSerialization.data(withJSONObject: try #require(value), options: [.sortedKeys])
    }

    @Test func everyEventTypeHasAnExample() {
        let documented = Set(Self.examples.compactMap { Self.object($0)["type"] as? String })
        #expect(documented == Set(EventType.allCases.map(\.rawValue)))
    }

    /// The example certificate claim, which the story has not earned.
    static var claim: String { examples.first { object($0)["type"] as? String == "certificate.claimed" }! }

    @Test func theExamplesAppendAndRoundTripUnchanged() throws {
        let directory = TemporaryDirectory("catalogue")
        let store = try CentreStore.create(at: directory.child("store"))
        try store.append(ndjson: Self.examples[0])
        _ = try store.importSpecification(json: BundledQualificationJSON.text, actor: "admin-1")
        // The erasure last, once what it erases has been read back.
        let erasure = try #require(Self.examples.first { Self.object($0)["type"] as? String == "learner.erased" })
        try store.append(ndjson: Self.examples.dropFirst().filter { $0 != Self.claim && $0 != erasure }.joined(separator: "\n"))
        #expect(try store.log.head().sequence == UInt64(Self.examples.count - 1))

        var stored: [String: [String: Any]] = [:]
        func readBack() throws {
            let keyring = Keyring(store: directory.child("store"))
            try store.log.read { entry in
                let object = Self.object(try entry.domainJSONLine(opening: keyring.open))
                stored[object["id"] as! String] = object
                return true
            }
        }
        try readBack()
        let withdrawal = try #require(Self.examples.first { Self.object($0)["type"] as? String == "learner.withdrawn" })
        let withdrawalID = try #require(Self.object(withdrawal)["id"] as? String)
        let opened = stored
        try store.append(ndjson: erasure)
        try readBack()
        // The erased learner's reason for leaving no longer opens; it was read back before.
        #expect((stored[withdrawalID]?["payload"] as? [String: Any])?["reason"] as? String == PersonalFields.closed)
        stored.merge(opened) { _, before in before }
        // The rules refuse the claim, whatever reports the store keeps (this one keeps none),
        // in the words docs/events.md quotes.
        #expect(throws: LineRefusal.self) { try store.append(ndjson: Self.claim) }
        do { try store.append(ndjson: Self.claim) } catch let refusal as LineRefusal {
            #expect(Self.documentation.contains("`\(refusal.reason)`"), "docs/events.md does not quote \(refusal.reason)")
            // An embedder matches on the rule, the line and the event, not on the words.
            #expect(refusal.cause.violation?.rule == "certificate-earned")
            #expect(refusal.line == 1)
            #expect(refusal.eventID?.uuidString.lowercased() == Self.object(Self.claim)["id"] as? String)
        }
        for line in Self.examples where line != Self.claim {
            let input = Self.object(line)
            let record = try #require(stored[input["id"] as! String])
            #expect(record["type"] as? String == input["type"] as? String)
            #expect(record["occurredAt"] as? String == input["occurredAt"] as? String)
            #expect((record["actor"] as? [String: String])?["id"] == (input["actor"] as? [String: String])?["id"])
            #expect(try Self.canonical(record["payload"]) == Self.canonical(input["payload"]), "payload of \(input["id"]!) changed")
        }
    }

    @Test func aLineOfAnUnknownTypeOrWithAnUnknownPayloadFieldIsRefusedByLine() throws {
        let directory = TemporaryDirectory("catalogue")
        let store = try CentreStore.create(at: directory.child("store"))
        let unknownField = Self.examples[0].replacingOccurrences(of: #""roles""#, with: #""colour":"red","roles""#)
        #expect(throws: LineRefusal.self) { try store.append(ndjson: "\n" + unknownField) }
        do { try store.append(ndjson: "\n" + unknownField) } catch let refusal as LineRefusal {
            #expect(refusal.description == #"line 2: payload of staff.registered: unknown field "colour"; nothing was appended"#)
        }
        let unknownType = Self.examples[0].replacingOccurrences(of: "staff.registered", with: "staff.hired")
        do { try store.append(ndjson: unknownType) } catch let refusal as LineRefusal {
            #expect(refusal.description == #"line 1: unknown event type "staff.hired"; nothing was appended"#)
        }
        #expect(try store.log.head().sequence == 0)
    }
}

/// The shipped 603/4767/3 file, as `attest spec import` reads it.
enum BundledQualificationJSON {
    static let text = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/qualifications/603-4767-3.json"),
        encoding: .utf8)
}
