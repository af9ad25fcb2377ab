import Assessment
import Centre
import Foundation
import LMDB

/// A replay's state on disk: a scratch LMDB environment of its own in a temporary
/// directory, removed when the state is released. Writes wait in memory until `settle()`,
/// between batches, puts them in one transaction; so the heap holds one batch's changes,
/// and the rest lives in the file (the page cache), however long the log.
final class ScratchState: ReplayState, @unchecked Sendable {
    private let directory: String
    private let environment: Environment
    private let database: Database
    /// Entries written, and `nil` for those removed, until `settle()`.
    private var pending: [String: [UInt8]?] = [:]

    /// A new, empty state in a new directory under `parent`.
    init(under parent: String) throws {
        var template = Array((URL(fileURLWithPath: parent).appendingPathComponent("replay-scratch-XXXXXX").path).utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ReplayInputError("cannot make a scratch directory under \(parent): \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
        var options = EnvironmentOptions()
        options.noSync = true  // scratch: nothing here needs to survive a crash
        options.maxDatabases = 1
        environment = try Environment(path: directory, options: options)
        database = try environment.openDatabase("state", create: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func load(_ key: String) throws -> [UInt8]? {
        if let value = pending[key] { return value }
        return try environment.read { try $0.get(database, key: TextKey(key)) }
    }

    func save(_ key: String, _ value: [UInt8]) throws { pending[key] = value }

    func remove(_ key: String) throws { pending[key] = .some(nil) }

    func settle() throws {
        guard !pending.isEmpty else { return }
        try environment.write { txn in try txn.write(pending, to: database) }
        pending.removeAll(keepingCapacity: true)
    }

    func walk(prefix: String, _ body: (_ next: () throws -> (key: String, value: [UInt8])?) throws -> Void) throws {
        try settle()
        try environment.read { txn in
            try txn.withReader { reader in
                try reader.walk(database, prefix: Array(prefix.utf8)) { next in try withTextKeys(next, body) }
            }
        }
    }
}
