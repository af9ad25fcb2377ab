import Foundation
import Merkle

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

    /// The SHA-256 of the file at `path`, in hexadecimal.
    public static func sha256(ofFile path: String) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.withUnsafeBytes { TreeHash.sha256($0).hex }
    }
}
