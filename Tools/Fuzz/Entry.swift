// Two entry points over the same harnesses. Built with `-sanitize=fuzzer -DFUZZING`
// (`make fuzz`), this is a libFuzzer target: libFuzzer's own `main` generates inputs
// and calls `LLVMFuzzerTestOneInput`, and the harness is named by the environment
// variable ATTEST_FUZZ. Built plainly (`swift build`), `attest-fuzz HARNESS PATH…`
// runs every file under the paths through the harness, so that a committed corpus
// and its reproducers are checked on every test run.
import Foundation

#if FUZZING
/// The harness ATTEST_FUZZ names, made once.
nonisolated(unsafe) private let harness: any Harness = {
    let name = ProcessInfo.processInfo.environment["ATTEST_FUZZ"] ?? ""
    guard let harness = try? Harnesses.make(name) else {
        fatalError("set ATTEST_FUZZ to one of \(Harnesses.names.joined(separator: ", ")), not \(name.debugDescription)")
    }
    return harness
}()

/// libFuzzer's callback: a finding stops the process, and libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try harness.check(input)
    } catch {
        fatalError("finding: \(error)")
    }
    return 0
}
#else
@main
struct CorpusRun {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let harness = try Harnesses.make(name), arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: attest-fuzz \(Harnesses.names.joined(separator: "|")) FILE|DIRECTORY…\n".utf8))
            exit(2)
        }
        var accepted = 0, refused = 0, findings = 0
        for path in try files(under: arguments.dropFirst()) {
            do {
                switch try harness.check(Array(try Data(contentsOf: URL(fileURLWithPath: path)))) {
                case .accepted: accepted += 1
                case .refused: refused += 1
                }
            } catch {
                findings += 1
                print("\(path): finding: \(error)")
            }
        }
        print("\(name): \(accepted + refused + findings) inputs, \(accepted) accepted, \(refused) refused, \(findings) findings")
        exit(findings == 0 ? 0 : 1)
    }

    /// The regular files among `paths` and under those that are directories, sorted.
    static func files(under paths: some Sequence<String>) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else { return [path] }
            return try FileManager.default.subpathsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                .filter { var directory: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &directory) && !directory.boolValue }
        }
    }
}
#endif
