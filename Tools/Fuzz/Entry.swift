// `attest-fuzz HARNESS …` has two builds over the same harnesses. Built plainly (`swift build`),
// `attest-fuzz HARNESS PATH…` runs every file under the paths through the harness, so that
// the committed corpus and its reproducers are checked on every test run. Built with
// `-sanitize=fuzzer -DFUZZING` (`make fuzz`), it hands the other arguments to libFuzzer's
// driver, which generates inputs for the harness: `attest-fuzz HARNESS CORPUS -max_total_time=60`.
// A harness that makes its seeds itself writes them, in the plain build, with
// `attest-fuzz HARNESS --seeds DIRECTORY`.
import Foundation

@main
struct AttestFuzz {
    static func main() throws {
        var arguments = CommandLine.arguments
        #if FUZZING
        // libFuzzer runs itself again (-minimize_crash, -fork, -merge) with the arguments it
        // was given, which no longer name the harness: ATTEST_FUZZ names it then.
        if arguments.count > 1, Harnesses.names.contains(arguments[1]) {
            setenv("ATTEST_FUZZ", arguments[1], 1)
        } else if let name = ProcessInfo.processInfo.environment["ATTEST_FUZZ"] {
            arguments.insert(name, at: 1)
        }
        #endif
        guard arguments.count > 1, let harness = try Harnesses.make(arguments[1]) else {
            FileHandle.standardError.write(Data("usage: attest-fuzz \(Harnesses.names.joined(separator: "|")) ARGUMENTS…\n".utf8))
            exit(2)
        }
        #if FUZZING
        fuzz(harness, arguments: [arguments[0]] + arguments.dropFirst(2))
        #else
        if arguments.count == 4, arguments[2] == "--seeds", let seeding = harness as? any SeedingHarness {
            for seed in seeding.seeds { try Data(seed.input).write(to: URL(fileURLWithPath: arguments[3] + "/" + seed.name)) }
            exit(0)
        }
        exit(try runCorpus(harness, name: arguments[1], paths: arguments.dropFirst(2)))
        #endif
    }

    /// Runs every file under `paths`, prints each finding and a summary, and returns the
    /// exit status: 0 when no input broke a property.
    static func runCorpus(_ harness: any Harness, name: String, paths: ArraySlice<String>) throws -> Int32 {
        var accepted = 0, refused = 0, findings = 0
        for path in try files(under: paths) {
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
        return findings == 0 ? 0 : 1
    }

    /// The regular files among `paths` and under those that are directories, sorted.
    static func files(under paths: ArraySlice<String>) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else { return [path] }
            return try FileManager.default.subpathsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }.filter {
                var directory: ObjCBool = false
                return FileManager.default.fileExists(atPath: $0, isDirectory: &directory) && !directory.boolValue
            }
        }
    }
}

#if FUZZING
/// The harness libFuzzer's callback checks, set once before the driver starts.
nonisolated(unsafe) private var fuzzed: (any Harness)?

/// libFuzzer's driver (FuzzerDriver.cpp): `int LLVMFuzzerRunDriver(int *argc, char ***argv,
/// int (*UserCb)(const uint8_t *Data, size_t Size))`. Its pointer and integer arguments are
/// passed alike by Swift's and C's calling conventions.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver with `arguments` over `harness`, and exits with its status.
private func fuzz(_ harness: any Harness, arguments: [String]) -> Never {
    fuzzed = harness
    var argc = CInt(arguments.count)
    var argv = arguments.map { strdup($0) } + [nil]
    let status = argv.withUnsafeMutableBufferPointer { buffer in
        var base = buffer.baseAddress
        return runDriver(&argc, &base, checkOne)
    }
    exit(status)
}

/// libFuzzer's callback: a finding stops the process, and libFuzzer keeps the input.
private func checkOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try fuzzed!.check(input)
    } catch {
        fatalError("finding: \(error)")
    }
    return 0
}
#endif
