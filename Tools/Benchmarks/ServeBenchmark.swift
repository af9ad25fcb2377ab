import Accounts
import ArgumentParser
import Assessment
import Centre
import EventLog
import Foundation
import Records
import Simulation

/// `attest serve` under load from a second process: wrk (Debian's `wrk`) keeps 1, 16 and 64
/// connections each appending one event per request, as an e-portfolio would.
struct ServeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Measure attest serve appending single events for 1, 16 and 64 concurrent clients.",
        discussion: """
            Starts `attest serve` (built beside this benchmark) on a generated centre of \
            2,000 learners and runs wrk against POST /v1/events: each request submits one \
            piece of evidence for one of the centre's learners in progress, as their \
            assessor, with the assessor's API token. Prints events/s and p50/p99 latency \
            (medians of the runs, taken in turns) and how much faster 64 clients append \
            than one: group commit at work. Needs wrk (apt-get install wrk).
            """
    )

    @Option(help: "Seconds of load per client count and run.")
    var seconds = 8

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(parsing: .upToNextOption, help: "Concurrent clients, each with one request in flight.")
    var clients = [1, 16, 64]

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    /// What one wrk run measured.
    struct Figures {
        let eventsPerSecond: Double
        let p50: Double
        let p99: Double
        let refused: Int
    }

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-bench-serve-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/centre.store"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let learners = try prepare(path)
        let script = root + "/evidence.lua"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)

        let server = try Server(store: path)
        defer { server.stop() }
        var figures: [Int: [Figures]] = [:]
        for run in 1...runs {
            // In turns, each run in the other order: learners' records grow as the runs go on.
            for count in run % 2 == 1 ? clients : clients.reversed() {
                let measured = try wrk(server.url, script: script, clients: count, args: ["R\(run)C\(count)", learners.joined(separator: ",")])
                figures[count, default: []].append(measured)
                print("run \(run), \(count) clients: \(Int(measured.eventsPerSecond)) events/s, p50 \(Self.ms(measured.p50)), p99 \(Self.ms(measured.p99))")
            }
        }
        print("\nattest serve, one evidence.submitted per request over HTTP/1.1 on loopback, \(seconds) s each, median of \(runs) runs")
        print("clients".padding(toLength: 10, withPad: " ", startingAt: 0) + "events/s   p50 ms   p99 ms   refused")
        var throughput: [Int: Double] = [:]
        for count in clients {
            let runs = figures[count]!
            let median = { (value: (Figures) -> Double) in runs.map(value).sorted()[runs.count / 2] }
            throughput[count] = median(\.eventsPerSecond)
            print(String(count).padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(Int(median(\.eventsPerSecond))).padding(toLength: 11, withPad: " ", startingAt: 0)
                + Self.ms(median(\.p50)).padding(toLength: 9, withPad: " ", startingAt: 0)
                + Self.ms(median(\.p99)).padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(runs.map(\.refused).reduce(0, +)))
        }
        if let one = throughput[1], let most = clients.max(), most > 1, let top = throughput[most] {
            print(String(format: "%d clients: %.1f× the throughput of one client (target 10×)", most, top / one))
        }
    }

    /// A generated centre of 2,000 learners, with an account and a token for each assessor
    /// with learners in progress; returns those learners, each as `learner:assessor:token`.
    private func prepare(_ path: String) throws -> [String] {
        let store = try CentreStore.create(at: path, projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: 2000, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        try store.append(lines: lines, batchSize: 1000) { _, _ in }
        var byAssessor: [String: [String]] = [:]
        for transcript in try store.transcripts() where transcript.status == "in_progress" {
            if let assessor = try store.registration(of: transcript.learner)?.assessor { byAssessor[assessor, default: []].append(transcript.learner) }
        }
        guard let admin = try store.log.record(at: 1)?.actor.id else { throw ValidationError("the generated centre is empty") }
        var administrator = Actor()
        administrator.id = admin
        let accounts = try StaffAccounts(store: store)
        var learners: [String] = []
        for (assessor, theirs) in byAssessor.sorted(by: { $0.key < $1.key }) {
            try accounts.open(assessor, password: StaffAccounts.newPassword(), by: administrator)
            let token = try accounts.issueToken(to: assessor, expiresAt: Date() + 86_400, by: administrator)
            learners += theirs.map { "\($0):\(assessor):\(token.text)" }
        }
        guard !learners.isEmpty else { throw ValidationError("the generated centre has no learner in progress") }
        return learners
    }

    /// Runs wrk for `seconds` with `clients` connections and reads the figures its script prints.
    private func wrk(_ url: String, script: String, clients: Int, args: [String]) throws -> Figures {
        let values = try Self.wrk(url + "/v1/events", script: script, clients: clients, seconds: seconds, args: args)
        // requests, non-2xx responses, p50 µs, p99 µs, duration µs
        return Figures(eventsPerSecond: (values[0] - values[1]) / (values[4] / 1_000_000), p50: values[2], p99: values[3], refused: Int(values[1]))
    }

    /// Runs wrk against `url` for `seconds` with `clients` connections and `script`, whose
    /// `done` prints `RESULT` and five figures: requests, non-2xx responses, p50 µs, p99 µs
    /// and duration µs.
    static func wrk(_ url: String, script: String, clients: Int, seconds: Int, args: [String]) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t", String(min(clients, 2)), "-c", String(clients), "-d", "\(seconds)s", "-s", script, url, "--"] + args
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { throw ValidationError("wrk could not be started (apt-get install wrk): \(error)") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT ") }) else {
            throw ValidationError("wrk printed no figures:\n\(text)")
        }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count == 5 else { throw ValidationError("wrk's figures are not five numbers: \(line)") }
        return values
    }

    /// wrk's `done`: the figures as one line.
    static let reportScript = #"""
        function done(summary, latency, requests)
          io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.errors.status, latency:percentile(50), latency:percentile(99), summary.duration))
        end
        """#

    static func ms(_ microseconds: Double) -> String { String(format: "%.1f", microseconds / 1000) }

    /// wrk's script: each request one evidence.submitted, of the assessor's learners in
    /// turn, ids unique per run, thread and request; prints the figures as one line at the end.
    static let script = #"""
        local threads = {}
        function setup(thread)
          thread:set("id", #threads + 1)
          table.insert(threads, thread)
        end
        function init(args)
          run = args[1]
          learners = {}
          for learner, assessor, token in string.gmatch(args[2], "([^:,]+):([^:,]+):([^:,]+)") do
            table.insert(learners, {learner, assessor, token})
          end
          count = 0
        end
        function request()
          count = count + 1
          local learner = learners[(count * 7919 + id * 104729) % #learners + 1]
          local body = string.format('{"type":"evidence.submitted","actor":{"id":"%s"},"occurredAt":"%s","payload":{"evidenceId":"%s-%d-%d","learnerId":"%s","unit":"A/506/2130","method":"WORK_PRODUCT","criteria":["1.1"],"artefact":{"sha256":"%s","mediaType":"application/pdf","sizeBytes":"1200"}}}',
            learner[2], os.date("!%Y-%m-%dT%H:%M:%SZ"), run, id, count, learner[1], string.rep("ab", 32))
          return wrk.format("POST", nil, {["Content-Type"] = "application/x-ndjson", ["Authorization"] = "Bearer " .. learner[3]}, body)
        end
        """# + "\n" + reportScript

    /// `attest serve` on a free port of the loopback, as a child process.
    final class Server {
        let process = Process()
        let url: String

        init(store: String) throws {
            guard let here = Bundle.main.executableURL?.deletingLastPathComponent() else { throw ValidationError("cannot find attest beside this benchmark") }
            process.executableURL = here.appendingPathComponent("attest")
            process.arguments = ["serve", store, "--listen", "127.0.0.1:0"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var heard = Data()
            while !heard.contains(0x0A) {
                let more = output.fileHandleForReading.availableData
                guard !more.isEmpty else { throw ValidationError("attest serve ended before it listened") }
                heard += more
            }
            guard let line = String(decoding: heard, as: UTF8.self).split(separator: "\n").first, let at = line.range(of: "http://") else {
                throw ValidationError("attest serve did not say where it listens")
            }
            url = String(line[at.lowerBound...])
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
