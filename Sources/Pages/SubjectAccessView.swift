import AttestKit
import Foundation

/// The answer to a subject access request as a printable page: the learner's details and
/// every record the store holds about them, field by field, personal fields opened (or
/// shown as erased).
public struct SubjectAccessView: Sendable {
    let preparedAt: String
    let logSize: UInt64
    let count: Int
    let dataKeyHeld: Bool
    let specification: String?
    let status: String?
    let records: [Row]

    struct Row: Sendable {
        let sequence: String
        let recordedAt: String
        let type: String
        let by: String
        let details: String
    }

    public init(_ access: SubjectAccess) {
        preparedAt = access.preparedAt
        logSize = access.logSize
        count = access.records.count
        dataKeyHeld = access.dataKeyHeld
        specification = access.transcript?.specificationLine
        status = access.transcript?.statusLine
        records = access.records.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let actor = object["actor"] as? [String: Any]
            let payload = (object["payload"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \(Self.text($0.value))" }
            return Row(sequence: "\(object["sequence"] ?? "")", recordedAt: "\(object["recordedAt"] ?? "")", type: "\(object["type"] ?? "")",
                       by: "\(actor?["id"] ?? "") (\(actor?["role"] ?? ""))", details: payload.joined(separator: "; "))
        }
    }

    /// The page's title.
    public static func title(_ access: SubjectAccess) -> String {
        "Subject access: learner \(access.transcript?.learnerHeading ?? access.learner)"
    }

    /// A payload value as words: a closed field as `(erased)`, a list or object as compact JSON.
    private static func text(_ value: Any) -> String {
        if let string = value as? String { return LearnerView.shown(string) }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
