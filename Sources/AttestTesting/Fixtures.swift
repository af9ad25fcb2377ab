import Foundation
import Merkle
import Records

/// The fixture stores under `Tests/Fixtures/`, written by earlier versions of the code.
public enum Fixtures {
    /// `Tests/Fixtures/` of this checkout.
    public static func directory() -> URL {
        // This file is Sources/AttestTesting/Fixtures.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures")
    }

    /// A copy of fixture store `name` (e.g. `v1/store`) in `directory`, to open and change
    /// freely: opening a store may write its lock file.
    public static func copy(_ name: String, into directory: TemporaryDirectory) throws -> String {
        let copy = directory.child(name.replacingOccurrences(of: "/", with: "-"))
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: self.directory().appendingPathComponent(name).appendingPathComponent("data.mdb").path,
            toPath: copy + "/data.mdb")
        return copy
    }

    /// The specification in `Tests/Fixtures/specifications/NAME.json`.
    public static func specification(_ name: String) throws -> Attest_V1_Specification {
        let url = directory().appendingPathComponent("specifications/\(name).json")
        return try Attest_V1_Specification(jsonString: String(contentsOf: url, encoding: .utf8))
    }

    /// Whether the JSON `report` says everything the expected report `v1/expected/NAME.json`
    /// says, the same way. What later versions of a report added (a transcript's
    /// shortfalls, its specification's identity) is not in the files and not compared.
    public static func repeats(_ name: String, in report: Data) throws -> Bool {
        try json(report, says: Data(contentsOf: directory().appendingPathComponent("v1/expected/\(name).json")))
    }

    /// Whether the JSON `report` says everything the JSON `expected` says, the same way:
    /// every name of every object, with equal values; lists of the same length, item by item.
    public static func json(_ report: Data, says expected: Data) throws -> Bool {
        contains(try JSONSerialization.jsonObject(with: report), try JSONSerialization.jsonObject(with: expected))
    }

    private static func contains(_ actual: Any, _ expected: Any) -> Bool {
        switch (actual, expected) {
        case let (actual as [String: Any], expected as [String: Any]):
            return expected.allSatisfy { key, value in actual[key].map { contains($0, value) } ?? false }
        case let (actual as [Any], expected as [Any]):
            return actual.count == expected.count && zip(actual, expected).allSatisfy(contains)
        case let (actual as NSObject, expected as NSObject):
            return actual == expected
        default:
            return false
        }
    }

    /// The SHA-256 of the file at `path`, in hexadecimal.
    public static func sha256(ofFile path: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.withUnsafeBytes { TreeHash.sha256($0).hex }
    }
}
