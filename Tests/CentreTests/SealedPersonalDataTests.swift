import AttestTesting
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Records
import Simulation
import Testing

/// Personal data never enters the log, the rules' state or the reports in the clear: each
/// personal field is sealed under its learner's data key, kept in the store's `keys`.
@Suite struct SealedPersonalDataTests {
    /// The personal values of the generated lines: ULNs, dates of birth, family names and
    /// free text, each as it would appear in a file.
    static func personalValues(of lines: [String]) -> [String] {
        var values: Set<String> = []
        for line in lines {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let type = object["type"] as? String, let payload = object["payload"] as? [String: Any] else { continue }
            switch type {
            case "learner.registered":
                for field in ["uln", "dateOfBirth", "familyName"] { if let value = payload[field] as? String { values.insert(value) } }
            case "evidence.assessed", "learner.withdrawn", "evidence.withdrawn", "assessment.sampled", "rpl.credited":
                for field in ["feedback", "reason", "rationale", "requiredAction", "evidence"] {
                    if let value = payload[field] as? String { values.insert(value) }
                }
            default: break
            }
        }
        return values.filter { $0.utf8.count >= 5 }.sorted()
    }

    @Test func noPersonalValueIsInTheStoresFileAndTheStoreStillShowsThem() throws {
        let centre = try TestCentre(projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: 30, seed: 3, specification: centre.specification).generate { lines.append($0) }
        try centre.store.append(lines: lines, batchSize: 400) { _, _ in }
        let values = Self.personalValues(of: lines)
        #expect(values.count > 60)
        // The specification is public and may hold a date that is also someone's birthday.
        let specification = try centre.specification.jsonString()
        let file = try Data(contentsOf: URL(fileURLWithPath: centre.path + "/data.mdb"))
        for value in values where !specification.contains(value) {
            #expect(file.range(of: Data(value.utf8)) == nil, "\(value) is in data.mdb")
        }

        // Every registration's record holds its four personal fields sealed, and opens to them.
        let keyring = Keyring(store: centre.path)
        var registrations = 0
        try centre.store.log.read { entry in
            guard entry.record.eventType == "learner.registered" else { return true }
            registrations += 1
            #expect(entry.record.sealed.map(\.field) == [4, 7, 8, 9])
            guard case let .learnerRegistered(closed) = try DomainEvent(record: entry.record) else { return false }
            #expect(closed.uln.isEmpty && closed.dateOfBirth.isEmpty && closed.givenName.isEmpty)
            guard case let .learnerRegistered(opened) = try DomainEvent(record: keyring.opened(entry.record)) else { return false }
            #expect(opened.uln.count == 10 && opened.dateOfBirth.count == 10 && !opened.familyName.isEmpty)
            #expect(lines.contains { $0.contains(#""uln":"\#(opened.uln)""#) && $0.contains(#""learnerId":"\#(opened.learnerID)""#) })
            return true
        }
        #expect(registrations == 30)

        let transcript = try #require(try centre.store.transcript(of: CentreGenerator.learner(7)))
        #expect(transcript.uln?.count == 10 && transcript.familyName != nil)
        #expect(lines.contains { $0.contains(#""uln":"\#(transcript.uln ?? "")""#) })
    }

    @Test func aRepeatOfASealedEventIsIdempotentAndTheSameIdWithOtherNamesIsAConflict() throws {
        let centre = try TestCentre.standard()
        let line = #"{"id":"0191b5a0-0000-7000-8000-00000000aa01","type":"learner.registered","actor":{"id":"admin"},"occurredAt":"2025-01-06T10:00:00Z","payload":{"learnerId":"C-9","qualification":"603/4767/3","specificationVersion":1,"dateOfBirth":"1999-03-04","assessor":"a1","internalQualityAssurer":"i1","uln":"4567890123","givenName":"Ria","familyName":"Shah"}}"#
        let first = try centre.store.append(ndjson: line)
        let again = try centre.store.append(ndjson: line)
        #expect(again.map(\.appended.sequence) == first.map(\.appended.sequence) && again.allSatisfy(\.appended.duplicate))
        do {
            try centre.store.append(ndjson: line.replacingOccurrences(of: "Shah", with: "Shaw"))
            Issue.record("another name under the same id was taken for a repeat")
        } catch let refusal as LineRefusal {
            #expect(refusal.description.contains("0191b5a0-0000-7000-8000-00000000aa01"))
        }
    }

    @Test func aPersonalFieldHoldingTheSealedMarkIsRefused() throws {
        let centre = try TestCentre.standard()
        var learner = TestCentre.learner("C-10")
        learner.familyName = PersonalFields.closed
        #expect(centre.refusal(.learnerRegistered(learner), by: "admin")
            == "rule well-formed: field 9 of the learner.registered holds the mark of a sealed field, which only a reader puts there")
    }
}
