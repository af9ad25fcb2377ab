import ArgumentParser
import AttestKit
import Foundation
import Terminal

@main
struct AttestReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest-replay",
        abstract: "Verify a centre's store or export bundle without trusting the centre's software.",
        discussion: """
            `attest-replay SOURCE …` verifies (the subcommand `verify`, the default); \
            `attest-replay keygen FILE` makes your identity for disclosures of personal data.

            Example:
              attest-replay centre.store --key centre.pub --since-checkpoint visit-2025.checkpoint
              attest-replay keygen eqa.identity > eqa.pub
            """,
        subcommands: [Verify.self, Keygen.self],
        defaultSubcommand: Verify.self
    )

    static func main() {
        StoreDamage.commands = "`attest restore`, then `attest-replay STORE`"
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("attest-replay: \(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// `attest-replay SOURCE`: the verification.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a centre's store or export bundle without trusting the centre's software.",
        discussion: """
            SOURCE is a store directory (opened read-only: the centre may keep writing) or \
            a bundle written by `attest export`. Checks, in order: the signature of the \
            latest checkpoint (with --key, against the key you hold); every record's hash \
            chain and the Merkle root against the checkpoint; with --since-checkpoint, that \
            the log extends the checkpoint you kept from your last visit; that every record \
            decodes; that every event passes the centre's rules replayed in order; and that \
            every stored report equals the one rebuilt from the history. A one-learner bundle \
            is checked record by record against the checkpoint with its inclusion proofs.

            Exit status: 0 verified; 1 a breach: anything wrong with what the centre handed \
            over (malformed, altered, incomplete, inconsistent, against its rules), with what \
            and where (file, sequence, event id, learner); 2 your own usage or I/O error.

            Personal fields stay sealed unless the bundle discloses a learner's data key to \
            you (`attest export --disclose … --to KEY`): give your identity (from \
            `attest-replay keygen`) with --identity, and those learners' records open, their \
            age and ULN rules are checked again, and --open-records writes them out.

            Example:
              attest-replay centre.store --key centre.pub --since-checkpoint visit-2025.checkpoint
              attest-replay bundle/ --key centre.pub --json
              attest-replay centre.store --key centre.pub --as-of 2025-03-01
              attest-replay bundle/ --key centre.pub --cosign eqa.key --cosigned visit-3.cosigned
              attest-replay keygen eqa.identity > eqa.pub
              attest-replay bundle/ --key centre.pub --identity eqa.identity --open-records sampled.ndjson
            """
    )

    @Argument(help: "The store directory or bundle directory to verify.")
    var source: String

    @Option(help: "The centre's public key, as `attest key` prints it: a file holding it, or the key itself.")
    var key: String?

    @Option(name: .customLong("since-checkpoint"), help: "A signed checkpoint kept from an earlier visit (a file): the log must extend it. Give it again for each checkpoint kept, yours or other EQAs': two of one size with different roots are a split view.")
    var sinceCheckpoint: [String] = []

    @Option(name: .customLong("as-of"), help: "Replay the rules up to a sequence (1200) or a date (2025-03-01, to the end of that day in the centre's time zone, or RFC 3339); integrity is still checked to the end.")
    var asOf: String?

    @Option(help: "Where to keep what the rules and reports remember while replaying (scratch files, removed afterwards; default: the system's temporary directory).")
    var scratch: String?

    @Flag(name: .customLong("in-memory"), help: "Keep it in memory instead: faster, but the heap grows with the log.")
    var inMemory = false

    @Option(help: "Your own signing key (a file, as `attest cosigner-key` writes it): once verified, the checkpoint is written with your signature line added to --cosigned, for the centre to keep and other EQAs to compare.")
    var cosign: String?

    @Option(help: "Where --cosign writes the cosigned checkpoint.")
    var cosigned: String?

    @Option(help: "Your identity (a file, as `attest-replay keygen` writes it): opens the learners' keys the bundle discloses to you.")
    var identity: String?

    @Option(name: .customLong("open-records"), help: "With --identity: write the records of the learners disclosed to you, personal fields opened, as JSON lines to this file (0600).")
    var openRecords: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if (cosign == nil) != (cosigned == nil) { throw ValidationError("--cosign and --cosigned go together") }
        if openRecords != nil, identity == nil { throw ValidationError("--open-records needs --identity") }
    }

    func run() throws {
        var options = ReplayOptions()
        if let key {
            let text = FileManager.default.fileExists(atPath: key)
                ? try read(key, what: "the key file") : key
            do { options.key = try VerifierKey(text: text) } catch { throw ValidationError("--key: \(error)") }
        }
        for path in sinceCheckpoint {
            do {
                options.kept.append(try SignedCheckpoint(parsing: read(path, what: "the checkpoint file")))
            } catch let error as CheckpointError {
                throw ValidationError("--since-checkpoint \(path): \(error)")
            }
        }
        if let asOf {
            guard let point = AsOf(asOf) else { throw ValidationError("--as-of \(asOf) is neither a sequence nor a date (2025-03-01 or RFC 3339)") }
            options.asOf = point
        }
        if let cosign {
            do { options.cosigner = try SigningKey(contentsOf: cosign) } catch { throw ValidationError("--cosign \(cosign): \(error)") }
        }
        if let identity {
            do { options.identity = try EQAIdentity(text: read(identity, what: "the identity file")) } catch let error as DisclosureError {
                throw ValidationError("--identity \(identity): \(error)")
            }
        }
        let opened = try openRecords.map { path in
            guard let handle = FileHandle(creatingPrivate: path) else { throw ValidationError("cannot create \(path) (it must not exist)") }
            return handle
        }
        defer { try? opened?.close() }
        if let opened { options.openedRecords = { try opened.write(contentsOf: Data(($0 + "\n").utf8)) } }
        if inMemory { options.scratchDirectory = nil } else if let scratch { options.scratchDirectory = scratch }
        let progress = json ? nil : ProgressBar(label: "replaying")
        options.progress = progress?.update
        let report: ReplayReport
        do {
            report = try Replayer.verify(source, options: options)
        } catch let error as ReplayInputError {
            // The EQA's own usage or I/O error: no breach, and no usage text.
            progress?.finish()
            FileHandle.standardError.write(Data("attest-replay: \(error)\n".utf8))
            throw ExitCode(2)
        }
        progress?.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.summary)
        }
        if let note = report.cosigned, let cosigned {
            do { try note.write(toFile: cosigned, atomically: true, encoding: .utf8) } catch {
                FileHandle.standardError.write(Data("attest-replay: cannot write \(cosigned): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if let breach = report.breach {
            if json { FileHandle.standardError.write(Data("\(breach)\n".utf8)) }
            throw ExitCode.failure
        }
    }

    private func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(what) \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `attest-replay keygen FILE`: a new identity for disclosures.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make your identity for disclosures: a key pair whose public key centres disclose learners' keys to.",
        discussion: """
            Writes the identity (the private key, one line) to FILE, readable by you only \
            (0600), and prints its public key, one line (attest-eqa-1:…): give that to the \
            centres you visit, for `attest export --disclose LEARNER… --to KEY`. Keep the \
            identity as you keep any secret: whoever holds it reads the personal data of \
            the learners disclosed to it.

            Example:
              attest-replay keygen eqa.identity > eqa.pub
            """
    )

    @Argument(help: "The file to write the identity to (it must not exist).")
    var file: String

    func run() throws {
        let identity = EQAIdentity()
        guard let handle = FileHandle(creatingPrivate: file) else { throw ValidationError("cannot create \(file) (it must not exist)") }
        try handle.write(contentsOf: Data((identity.text + "\n").utf8))
        try handle.close()
        print(identity.recipient)
    }
}

extension FileHandle {
    /// A new file at `path`, mode 0600 whatever the umask; `nil` when it exists or cannot be made.
    convenience init?(creatingPrivate path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard fchmod(fd, 0o600) == 0 else {
            Glibc.close(fd)
            return nil
        }
        self.init(fileDescriptor: fd, closeOnDealloc: true)
    }
}
