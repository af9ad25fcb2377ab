import Foundation
import Testing

/// `Package.swift` and `docs/architecture.md` agree: every module is in the table once, each
/// depends only on what its row allows (directly or through the rows it names), and no
/// module below the tools mentions a command line.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The manifest's targets other than tests, each with the targets of this package it
    /// depends on (products of other packages left out).
    static func targets() throws -> [String: [String]] {
        let manifest = try text("Package.swift")
        let calls = try Regex(#"\.(target|systemLibrary|executableTarget|testTarget)\("#)
        let starts = manifest.ranges(of: calls)
        var targets: [String: [String]] = [:]
        for (index, start) in starts.enumerated() {
            let call = manifest[start.lowerBound..<(index + 1 < starts.count ? starts[index + 1].lowerBound : manifest.endIndex)]
            if call.hasPrefix(".testTarget(") { continue }
            let name = try #require(call.firstMatch(of: #/name: "([^"]+)"/#)).1
            var dependencies: [String] = []
            if let list = call.firstMatch(of: #/dependencies: \[([^\]]*)\]/#) {
                // `.product(name: …, package: …)` names another package's product.
                let own = list.1.replacing(#/\.product\([^)]*\)/#, with: "")
                dependencies = own.matches(of: #/"([^"]+)"/#).map { String($0.1) }
            }
            targets[String(name)] = dependencies
        }
        return targets
    }

    /// The table's rows, in order: the modules each names, and the modules its "depends on"
    /// column names (`nil`: all the rows above).
    static func rows(knowing targets: Set<String>) throws -> [(modules: Set<String>, dependsOn: Set<String>?)] {
        let lines = try text("docs/architecture.md").split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| module") }
        return lines.map { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let named = Set(cells[1].matches(of: #/`([^`]+)`/#).map { String($0.1) })
            // The tools' row names its modules in its second column.
            let modules = cells[1] == "tools" ? Set(cells[2].matches(of: #/`([^`]+)`/#).map { String($0.1) }).intersection(targets) : named
            let dependsOn: Set<String>? = cells[3].hasSuffix("of the above") ? nil
                : Set(cells[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "—" })
            return (modules, dependsOn)
        }
    }

    @Test func everyModuleIsInTheTableOnceAndDependsOnlyOnWhatItsRowAllows() throws {
        let targets = try Self.targets()
        var rows = try Self.rows(knowing: Set(targets.keys))
        // A name in the tools' row that another row holds is that row's (`AttestKit`).
        let owned = rows.dropLast().reduce(into: Set<String>()) { $0.formUnion($1.modules) }
        rows[rows.count - 1].modules.subtract(owned)
        var row: [String: Int] = [:]
        for (index, entry) in rows.enumerated() {
            for module in entry.modules {
                #expect(row[module] == nil, "\(module) is in two rows")
                row[module] = index
            }
        }
        #expect(Set(row.keys) == Set(targets.keys), "modules in the table but not in Package.swift, or the other way round")
        // What each row may depend on: its own modules, and those its column names, with all they may.
        var allowed: [Set<String>] = []
        for (index, entry) in rows.enumerated() {
            // Only rows above: a row named below it allows nothing.
            let named = entry.dependsOn.map { names in names.flatMap { name in (0..<index).filter { rows[$0].modules.contains(name) } } }
                ?? Array(0..<index)
            allowed.append(named.reduce(entry.modules) { $0.union(allowed[$1]).union(rows[$1].modules) })
        }
        for (target, dependencies) in targets {
            let index = try #require(row[target])
            for dependency in dependencies {
                #expect(allowed[index].contains(dependency), "\(target) depends on \(dependency), which its row in docs/architecture.md does not allow")
            }
        }
    }

    @Test func noModuleBelowTheToolsMentionsACommandLine() throws {
        let targets = try Self.targets()
        let rows = try Self.rows(knowing: Set(targets.keys))
        let below = rows.dropLast().reduce(into: Set<String>()) { $0.formUnion($1.modules) }
        // A command (`attest log`, `attest-replay keygen`) or an option (`--as-of`); the
        // benchmarks that measured a choice are named where it is made.
        let commandLine = #/`attest(-replay|-example|-fuzz)? [a-z]|(^|[\s`(])--[a-z]/#
        var mentions: [String] = []
        for module in below.sorted() {
            let directory = Self.root.appendingPathComponent("Sources/\(module)")
            guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where file.pathExtension == "swift" && !file.path.contains("/Generated/") {
                for (number, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains(commandLine) {
                    mentions.append("Sources/\(module)/\(file.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(below.contains("Centre") && below.contains("Server"))
        #expect(mentions.isEmpty, "\(mentions.joined(separator: "\n"))")
    }
}
