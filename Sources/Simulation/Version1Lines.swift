import Foundation

/// Generated lines as the code before schema version 2 wrote them, for the tests and
/// benchmarks of upcasting. Only `learner.registered` and `evidence.assessed` changed
/// (and `learner.registered` again at version 3, which added the learner's names).
public enum Version1Lines {
    /// `line` without what version 1 could not record: a registration's `uln` and names
    /// (the registration is then written at version 2, as version 3 requires names) and,
    /// unless `keepingMethods`, the `method` a criterion names. Other lines are returned
    /// as they are.
    public static func withVersion1Facts(_ line: String, keepingMethods: Bool = false) throws -> String {
        guard let parsed = try parse(line) else { return line }
        var (object, payload) = (parsed.object, parsed.payload)
        switch parsed.type {
        case "learner.registered":
            for field in ["uln", "givenName", "familyName"] { payload[field] = nil }
            object["schemaVersion"] = 2
        case "evidence.assessed" where !keepingMethods:
            payload["decisions"] = decisions(payload).map { $0.filter { $0.key != "method" } }
        default:
            return line
        }
        object["payload"] = payload
        return try text(object)
    }

    /// `line` in version 1's shape, with `"schemaVersion":1`; `nil` when it is of another
    /// type or says what version 1 cannot (a criterion's own method, or adjustments that
    /// differ between criteria).
    public static func version1(_ line: String) throws -> String? {
        guard let parsed = try parse(line) else { return nil }
        var (object, payload) = (parsed.object, parsed.payload)
        switch parsed.type {
        case "learner.registered":
            guard payload["uln"] == nil, payload["givenName"] == nil else { return nil }
        case "evidence.assessed":
            let decisions = decisions(payload)
            let adjustments = Set(decisions.map { $0["adjustmentsApplied"] as? [String] ?? [] })
            guard decisions.allSatisfy({ $0["method"] == nil }), adjustments.count <= 1 else { return nil }
            payload["decisions"] = decisions.map { $0.filter { $0.key != "adjustmentsApplied" } }
            if let list = adjustments.first, !list.isEmpty { payload["adjustmentsApplied"] = list }
        default:
            return nil
        }
        object["payload"] = payload
        object["schemaVersion"] = 1
        return try text(object)
    }

    private static func parse(_ line: String) throws -> (object: [String: Any], type: String, payload: [String: Any])? {
        guard line.contains(#""type":"learner.registered""#) || line.contains(#""type":"evidence.assessed""#),
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let type = object["type"] as? String, let payload = object["payload"] as? [String: Any]
        else { return nil }
        return (object, type, payload)
    }

    private static func decisions(_ payload: [String: Any]) -> [[String: Any]] {
        payload["decisions"] as? [[String: Any]] ?? []
    }

    private static func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
