import Assessment
import Bundles
import EventLog
import Foundation
import Merkle
import Projections
import SwiftProtobuf

/// Compares stored report entries with the ones a replay rebuilt, in key order, naming the
/// first entry (and, where the stored bytes are at hand, the first figure) that differs.
enum ReportComparison {
    /// An entry as a walk gives it (`ProjectionSnapshot.walk`), one at a time, then `nil`.
    typealias Next = () throws -> (key: String, value: [UInt8])?

    /// Stored entries of a live store against rebuilt ones, both read one at a time in key
    /// order. - Returns: the entries found equal.
    static func compare(projection: String, stored: Next, rebuilt: Next) throws -> Int {
        try merge(projection, stored, rebuilt) { key, stored, rebuilt in
            guard let stored, let rebuilt else { return missing(projection, key, stored: stored != nil) }
            let (figure, storedValue, rebuiltValue) = firstFigure(projection: projection, key: key, stored: stored, rebuilt: rebuilt)
            return Breach(.report, learner: learner(key: key, stored: stored), report: "\(projection) \(key)", figure: figure,
                          detail: "the stored report says \(storedValue) but the replayed history gives \(rebuiltValue)")
        }
    }

    /// Digests listed in a bundle, read one at a time by `digests`, against rebuilt entries.
    static func compare(projection: String, digests: () throws -> ReportDigest?, rebuilt: Next) throws -> Int {
        try merge(projection, { try digests().map { ($0.key, $0.digest) } }, {
            try rebuilt().map { ($0.key, ReportDigest(projection: projection, key: $0.key, value: $0.value).digest) }
        }) { key, stored, rebuilt in
            guard let stored, let rebuilt else { return missing(projection, key, stored: stored != nil) }
            return Breach(.report, learner: learner(key: key, stored: nil), report: "\(projection) \(key)", detail:
                "the bundle's digest \(stored.hex) of the stored entry differs from the replayed history's \(rebuilt.hex); a bundle carries digests only, so replay the store itself to name the figure")
        }
    }

    /// Walks stored entries beside rebuilt ones, both read one at a time in key order.
    private static func merge(_ projection: String, _ nextStored: Next, _ nextRebuilt: Next, differ: (String, [UInt8]?, [UInt8]?) -> Breach) throws -> Int {
        var equal = 0
        var stored = try nextStored(), rebuilt = try nextRebuilt()
        while stored != nil || rebuilt != nil {
            // Keys compared by their UTF-8 bytes in place, as LMDB orders them.
            if let s = stored, let r = rebuilt, sameBytes(s.key, r.key) {
                guard s.value == r.value else { throw differ(s.key, s.value, r.value) }
                equal += 1
                stored = try nextStored()
                rebuilt = try nextRebuilt()
            } else if let s = stored, rebuilt.map({ s.key.utf8.lexicographicallyPrecedes($0.key.utf8) }) ?? true {
                throw differ(s.key, s.value, nil)
            } else {
                throw differ(rebuilt!.key, nil, rebuilt!.value)
            }
        }
        return equal
    }

    /// Whether `a` and `b` hold the same UTF-8 bytes (not merely equivalent text, as `==`
    /// has it): compared whole, where stepping through `String.UTF8View` took 5% of a
    /// replay's reading thread (`callgrind`).
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { a in b.withUTF8 { b in a.isSame(as: b) } }
    }

    private static func missing(_ projection: String, _ key: String, stored: Bool) -> Breach {
        Breach(.report, learner: learner(key: key, stored: nil), report: "\(projection) \(key)", detail: stored
            ? "the store keeps this entry but the replayed history does not produce it"
            : "the replayed history produces this entry but the store does not keep it")
    }

    /// The learner the entry under `key` concerns, by its table.
    private static func learner(key: String, stored: [UInt8]?) -> String? {
        guard let table = ReportTable.of(key) else { return nil }
        return table.learner(String(key.dropFirst(table.prefix.count)), stored)
    }

    /// The path of the first field that differs, with both values as JSON.
    private static func firstFigure(projection: String, key: String, stored: [UInt8], rebuilt: [UInt8]) -> (String, String, String) {
        guard let type = ReportTable.of(key)?.messageType,
              let a = try? json(type.init(serializedBytes: stored)), let b = try? json(type.init(serializedBytes: rebuilt)),
              let difference = firstDifference(a, b, path: "")
        else {
            return ("(bytes)", "\(stored.count) bytes \(Array(stored.prefix(16)).hex)…", "\(rebuilt.count) bytes \(Array(rebuilt.prefix(16)).hex)…")
        }
        return difference
    }

    private static func json(_ message: any SwiftProtobuf.Message) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(message.jsonString().utf8))
    }

    private static func firstDifference(_ a: Any?, _ b: Any?, path: String) -> (String, String, String)? {
        switch (a, b) {
        case let (a as [String: Any], b as [String: Any]):
            for name in Set(a.keys).union(b.keys).sorted() {
                if let found = firstDifference(a[name], b[name], path: path.isEmpty ? name : "\(path).\(name)") { return found }
            }
            return nil
        case let (a as [Any], b as [Any]):
            for index in 0..<max(a.count, b.count) {
                if let found = firstDifference(index < a.count ? a[index] : nil, index < b.count ? b[index] : nil, path: "\(path)[\(index)]") {
                    return found
                }
            }
            return nil
        default:
            // proto3 JSON leaves out a field at its default: 0, false or empty.
            let left = a.map(describe) ?? "none (0, false or empty)", right = b.map(describe) ?? "none (0, false or empty)"
            return left == right ? nil : (path, left, right)
        }
    }

    private static func describe(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject([value]),
              let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed])
        else { return "\(value)" }
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

/// The digests of a bundle's `reports` file, read in file order: by report, then by key.
final class ReportDigests {
    private let lines: LineFile<ReportDigest>
    private var peeked: ReportDigest?

    init(_ lines: LineFile<ReportDigest>) { self.lines = lines }

    /// The next digest, when it is of report `projection`.
    func next(of projection: String) throws -> ReportDigest? {
        guard let digest = try peek(), digest.projection == projection else { return nil }
        peeked = nil
        return digest
    }

    /// The next digest, whatever its report.
    func next() throws -> ReportDigest? {
        defer { peeked = nil }
        return try peek()
    }

    private func peek() throws -> ReportDigest? {
        if peeked == nil { peeked = try lines.next() }
        return peeked
    }
}
