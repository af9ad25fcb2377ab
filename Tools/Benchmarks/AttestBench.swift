import ArgumentParser

@main
struct AttestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest-bench",
        abstract: "Measure Attest against raw LMDB, and drive load for crash and concurrency tests.",
        discussion: """
            Examples:
              swift run -c release attest-bench log --events 1000000
              swift run -c release attest-bench ingest --learners 2000
              swift run -c release attest-bench reports --learners 10000
              swift run -c release attest-bench memory --events 10000000
              swift run -c release attest-bench upcast --learners 2000
              swift run -c release attest-bench growth --learners 1000
              attest-bench load centre.store --prefix writer-a --batches 500 --batch-size 100
              swift run -c release attest-bench kills --kills 1000
            """,
        subcommands: [LogBenchmark.self, IngestBenchmark.self, EncodeBenchmark.self, HashBenchmark.self, SealBenchmark.self, ReportsBenchmark.self, MemoryBenchmark.self, UpcastBenchmark.self, ReplayBenchmark.self, ServeBenchmark.self, ResponseBenchmark.self, PagesBenchmark.self, GrowthBenchmark.self, LoadCommand.self, KillsCommand.self]
    )
}
