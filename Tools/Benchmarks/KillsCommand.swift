import ArgumentParser
import EventLog
import Foundation

/// Kills a writer at random moments, again and again, and checks the store after every kill:
/// every batch the writer acknowledged is in the log, whole; no batch is there in part; and
/// the log verifies (its chain and Merkle root up to the head, and the record that was the
/// head before the writer started still carries the same chain hash).
struct KillsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kills",
        abstract: "Kill a writer mid-append at random moments and check that no acknowledged batch is lost or partial.",
        discussion: """
            Each round starts `attest-bench load` on the store, reads the batches it \
            acknowledges (`committed BATCH FIRST LAST`, printed once the batch's write \
            transaction has committed), SIGKILLs it at a moment drawn uniformly from 0 to \
            --max-delay milliseconds after its start, and checks the store. Prints the \
            counts and exits 1 when any acknowledged batch is lost, any batch is partial or \
            the store does not verify. A scratch store is removed afterwards unless a check failed.

            Example:
              swift run -c release attest-bench kills --kills 1000
            """
    )

    @Option(help: "Number of kills.")
    var kills = 1_000

    @Option(help: "Events per batch (one write transaction each).")
    var batchSize = 10

    @Option(help: "Payload size in bytes.")
    var payloadBytes = 300

    @Option(help: "The latest moment of a kill, in milliseconds after the writer starts.")
    var maxDelay = 250

    @Option(help: "The store to append to (created when missing); by default a scratch store.")
    var store: String?

    func validate() throws {
        guard kills > 0, batchSize > 0, payloadBytes >= 0, maxDelay >= 0 else {
            throw ValidationError("--kills and --batch-size must be positive, --payload-bytes and --max-delay not negative")
        }
    }

    func run() throws {
        let path = store ?? NSTemporaryDirectory() + "attest-kills-\(getpid())/centre.store"
        let log = FileManager.default.fileExists(atPath: path + "/data.mdb")
            ? try EventLog(openingAt: path) : try EventLog.create(at: path)
        // Streams are named RUN-KILL-BATCH, so a store may take several runs.
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var tally = Tally()
        var stopped: KillsFailure?
        let started = Date()
        do {
            for kill in 1...kills {
                let before = try log.head()
                let prefix = "kill-\(run)-\(kill)"
                let writer = try ChildProcess(arguments: [
                    "load", path, "--prefix", prefix, "--batches", "\(Int32.max)",
                    "--batch-size", "\(batchSize)", "--payload-bytes", "\(payloadBytes)",
                ])
                let ending = try writer.run(killingAt: Date() + Double.random(in: 0...Double(maxDelay)) / 1000)
                guard ending.killed else {
                    throw KillsFailure("kill \(kill): the writer exited by itself with status \(ending.status) before it was killed")
                }
                let acknowledged = ending.lines.compactMap { Acknowledgement(line: $0, prefix: prefix) }
                try tally.check(log, after: before, acknowledged: acknowledged, batchSize: batchSize, kill: kill)
            }
        } catch let failure as KillsFailure {
            stopped = failure
        }
        let seconds = Date().timeIntervalSince(started)
        print("""
            kills         \(tally.kills) (\(tally.killsBeforeAnyAcknowledgement) before the writer acknowledged a batch)
            acknowledged  \(tally.acknowledged) batches of \(batchSize) events
            unreported    \(tally.unacknowledged) whole batches committed as the writer was killed, before it said so
                          (\(tally.published) of them seen by readers only once the next writer took the write lock)
            lost          \(tally.lost)
            partial       \(tally.partial)
            store         \(try log.head().sequence) records, \(stopped == nil ? "verified after every kill" : "stopped")
            time          \(String(format: "%.1f", seconds)) s
            """)
        guard stopped == nil, tally.lost == 0, tally.partial == 0 else {
            if let stopped { FileHandle.standardError.write(Data("\(stopped)\n".utf8)) }
            print("store kept for inspection: \(path)")
            throw ExitCode.failure
        }
        if store == nil { try FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
    }
}

/// A batch the writer reported as committed: `committed BATCH FIRST LAST`.
struct Acknowledgement {
    let stream: String
    let first: UInt64
    let last: UInt64

    init?(line: String, prefix: String) {
        let fields = line.split(separator: " ")
        guard fields.count == 4, fields[0] == "committed", let first = UInt64(fields[2]), let last = UInt64(fields[3]) else { return nil }
        stream = "\(prefix)-\(fields[1])"
        self.first = first
        self.last = last
    }
}

/// What the checks after each kill found, added up.
struct Tally {
    var acknowledged = 0
    var unacknowledged = 0
    var lost = 0
    var partial = 0
    var kills = 0
    var published = 0
    var killsBeforeAnyAcknowledgement = 0

    /// Checks the store after a kill: `before` was its head when the writer started.
    /// Losses and partial batches are counted and reported on standard error; a log that
    /// does not verify ends the run.
    mutating func check(_ log: EventLog, after before: Head, acknowledged batches: [Acknowledgement], batchSize: Int, kill: Int) throws {
        // A writer killed inside its commit, after LMDB wrote the new meta page but before it
        // published the transaction id in lock.mdb, leaves a commit that readers see only once
        // the next writer has taken the write lock and found its holder dead. Take it here,
        // as that writer would, and count the commits it brings to light.
        let seen = try log.head().sequence
        try log.environment.write { _ in }
        if try log.head().sequence != seen { published += 1 }
        do {
            _ = try log.verify()
        } catch let failure as VerificationFailure {
            throw KillsFailure("kill \(kill): the store does not verify: \(failure)")
        }
        // What the log held before this writer started: its last record still has the chain
        // hash it had then, so (the chain being intact) every earlier record is unchanged.
        var streams: [String: (count: Int, first: UInt64, last: UInt64)] = [:]
        try log.read(from: max(before.sequence, 1)) { entry in
            let sequence = entry.record.sequence
            if sequence == before.sequence {
                guard entry.chainHash == before.chainHash else {
                    throw KillsFailure("kill \(kill): record \(sequence), the head before the writer started, has changed")
                }
                return true
            }
            let stream = entry.record.streamID
            let seen = streams[stream] ?? (0, sequence, sequence)
            streams[stream] = (seen.count + 1, seen.first, sequence)
            return true
        }
        for (stream, seen) in streams where seen.count != batchSize || seen.last - seen.first + 1 != UInt64(seen.count) {
            partial += 1
            report("kill \(kill): stream \(stream) holds \(seen.count) of a batch's \(batchSize) events, at sequences \(seen.first)…\(seen.last)")
        }
        for batch in batches {
            let seen = streams[batch.stream]
            if let seen, seen.first == batch.first, seen.last == batch.last { continue }
            lost += 1
            let found = seen.map { "\($0.count) events at \($0.first)…\($0.last)" } ?? "nothing"
            report("kill \(kill): batch \(batch.stream), acknowledged at sequences \(batch.first)…\(batch.last), is lost: the log holds \(found)")
        }
        let reported = Set(batches.map(\.stream))
        acknowledged += batches.count
        unacknowledged += streams.filter { !reported.contains($0.key) && $0.value.count == batchSize }.count
        if batches.isEmpty { killsBeforeAnyAcknowledgement += 1 }
        kills += 1
    }

    private func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// A kill after which the store cannot be checked further.
struct KillsFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
