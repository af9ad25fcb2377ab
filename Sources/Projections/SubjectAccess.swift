import Assessment
import Centre
import EventLog
import Foundation

/// Everything a centre's store holds about one learner, their personal fields opened with
/// their data key: the answer to a subject access request (UK GDPR article 15). It names
/// no other learner: only the records the log attributes to this one, and their transcript.
public struct SubjectAccess: Sendable {
    public let learner: String
    /// When it was prepared, RFC 3339.
    public let preparedAt: String
    /// The number of records in the log when it was read.
    public let logSize: UInt64
    /// Whether the store holds the learner's data key: false once they are erased, and
    /// then their personal fields read as `PersonalFields.closed`.
    public let dataKeyHeld: Bool
    /// The learner's transcript, `nil` when they are not registered.
    public let transcript: Transcript?
    /// Each of the learner's records as `attest log --json` prints it, oldest first, its
    /// sealed fields opened.
    public let records: [String]

    /// The document as JSON: the fields above, each record an object.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var object: [String: Any] = [
            "learner": learner, "preparedAt": preparedAt, "logSize": logSize, "dataKeyHeld": dataKeyHeld,
            "records": try records.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) },
        ]
        if let transcript { object["transcript"] = try JSONSerialization.jsonObject(with: encoder.encode(transcript)) }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted])
    }

    /// The document as a printable page: the learner's details and every record, field by field.
    public var html: String {
        var page = HTMLPage(title: "Subject access: learner \(transcript?.learnerHeading ?? learner)")
        page.paragraph("Prepared \(preparedAt) from the centre's log of \(logSize) records: \(records.count) of them concern this learner.")
        page.paragraph(dataKeyHeld
            ? "Personal fields are shown opened with the learner's data key."
            : "The store holds no data key for this learner: their personal fields were erased and show as (erased).")
        if let transcript {
            page.heading("Registration")
            page.paragraph(transcript.specificationLine)
            page.paragraph(transcript.statusLine)
        }
        page.heading("Records")
        page.table(["Sequence", "Recorded", "Event", "Recorded by", "Details"], records.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let actor = object["actor"] as? [String: Any]
            let payload = (object["payload"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \(Self.text($0.value))" }
            return ["\(object["sequence"] ?? "")", "\(object["recordedAt"] ?? "")", "\(object["type"] ?? "")",
                    "\(actor?["id"] ?? "") (\(actor?["role"] ?? ""))", payload.joined(separator: "; ")]
        })
        return page.html
    }

    /// A payload value as words: a closed field as `(erased)`, a list or object as compact JSON.
    private static func text(_ value: Any) -> String {
        if let string = value as? String { return string == PersonalFields.closed ? "(erased)" : string }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}

extension CentreStore {
    /// What the store holds about learner `learner` (`SubjectAccess`), or `nil` when the log
    /// holds no record of them.
    public func subjectAccess(of learner: String, now: Date = Date()) throws -> SubjectAccess? {
        let keyring = Keyring(store: log.environment.path)
        let size = try log.head().sequence
        let records = try self.records(of: learner).filter { $0.record.sequence <= size }
        guard !records.isEmpty else { return nil }
        return SubjectAccess(
            learner: learner, preparedAt: Timestamp.format(now), logSize: size,
            dataKeyHeld: try keyring.holds(learner), transcript: try transcript(of: learner),
            records: try records.map { try $0.domainJSONLine(opening: keyring.open) })
    }
}
