import Accounts
import ArgumentParser
import Assessment
import Centre
import EventLog
import Foundation
import Projections
import Records
import Simulation

/// The centre's pages under `attest serve`: how long the dashboard, a learner and the
/// sampling grid take to serve on a large generated centre, one request at a time, with
/// the JSON reports they are built from beside them.
struct PagesBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Measure the latency of the centre's pages on a generated centre (target: p99 under 100 ms).",
        discussion: """
            Starts `attest serve` (built beside this benchmark) on a generated centre and runs \
            wrk against each page with one connection, as an administrator with an API token \
            (an IQA for the sampling grid). Prints p50 and p99 latency per page: medians of \
            the runs, taken in turns. Needs wrk (apt-get install wrk).
            """
    )

    @Option(help: "Learners in the generated centre.")
    var learners = 10_000

    @Option(help: "Seconds of requests per page and run.")
    var seconds = 5

    @Option(help: "Runs; the figures are medians.")
    var runs = 3

    @Option(help: "Directory for the scratch store (removed afterwards).")
    var directory = NSTemporaryDirectory()

    func run() throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("attest-bench-pages-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/centre.store"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let (admin, iqa, learner) = try prepare(path)
        let script = root + "/page.lua"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)

        let server = try ServeBenchmark.Server(store: path)
        defer { server.stop() }
        let pages: [(name: String, path: String, token: String)] = [
            ("dashboard", "/", admin), ("learner", "/learners/\(learner)", admin), ("sampling grid", "/sampling", iqa),
            ("learners, first page", "/learners", admin), ("audit", "/audit", admin),
            ("GET /v1/audit", "/v1/audit", admin), ("GET /v1/sampling-grid", "/v1/sampling-grid", admin),
        ]
        var figures: [String: [(p50: Double, p99: Double)]] = [:]
        for run in 1...runs {
            for page in run % 2 == 1 ? pages : pages.reversed() {
                let values = try ServeBenchmark.wrk(server.url + page.path, script: script, clients: 1, seconds: seconds, args: [page.token])
                guard values[1] == 0 else { throw ValidationError("\(page.path) answered \(Int(values[1])) requests with an error status") }
                figures[page.name, default: []].append((values[2], values[3]))
                print("run \(run), \(page.name): \(Int(values[0])) requests, p50 \(ServeBenchmark.ms(values[2])) ms, p99 \(ServeBenchmark.ms(values[3])) ms")
            }
        }
        print("\nattest serve, one connection, \(seconds) s per page, a centre of \(learners) learners, median of \(runs) runs")
        print("page".padding(toLength: 24, withPad: " ", startingAt: 0) + "p50 ms   p99 ms")
        for page in pages {
            let runs = figures[page.name]!
            let median = { (value: ((p50: Double, p99: Double)) -> Double) in runs.map(value).sorted()[runs.count / 2] }
            print(page.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + ServeBenchmark.ms(median(\.p50)).padding(toLength: 9, withPad: " ", startingAt: 0) + ServeBenchmark.ms(median(\.p99)))
        }
    }

    /// A generated centre with API tokens for its administrator and an IQA; answers them
    /// and a learner of that IQA's.
    private func prepare(_ path: String) throws -> (admin: String, iqa: String, learner: String) {
        let store = try CentreStore.create(at: path, projections: CentreStore.reports)
        var lines: [String] = []
        try CentreGenerator(learners: learners, seed: 1, specification: Qualifications.customerServiceLevel2).generate { lines.append($0) }
        try store.append(lines: lines, batchSize: 1000) { _, _ in }
        guard let adminID = try store.log.record(at: 1)?.actor.id else { throw ValidationError("the generated centre is empty") }
        guard let (learner, registration) = try store.registrations().min(by: { $0.key < $1.key }) else { throw ValidationError("no learner") }
        var administrator = Actor()
        administrator.id = adminID
        let accounts = try StaffAccounts(store: store)
        var tokens: [String] = []
        for staff in [adminID, registration.internalQualityAssurer] {
            try accounts.open(staff, password: StaffAccounts.newPassword(), by: administrator)
            tokens.append(try accounts.issueToken(to: staff, expiresAt: Date() + 86_400, by: administrator).text)
        }
        return (tokens[0], tokens[1], learner)
    }

    /// wrk's script: every request a GET with the token given.
    static let script = #"""
        function init(args)
          token = args[1]
        end
        function request()
          return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token, ["Accept"] = "text/html"})
        end
        """# + "\n" + ServeBenchmark.reportScript
}
