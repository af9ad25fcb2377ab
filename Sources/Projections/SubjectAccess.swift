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
    /// Each of the learner's records as one line of JSON (`LoggedRecord.domainJSONLine`),
    /// oldest first, its sealed fields opened.
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
