import Prometheus

/// What `/metrics` reports, in Prometheus's text format.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let appended: Counter
    let refused: Counter
    let logSize: Gauge
    let groupSize: ValueHistogram

    init() {
        appended = registry.makeCounter(descriptor: .init(metricName: "attest_events_appended", unitName: "total", helpText: "Events appended through the server."))
        refused = registry.makeCounter(descriptor: .init(metricName: "attest_batches_refused", unitName: "total", helpText: "Batches refused, nothing of them appended."))
        logSize = registry.makeGauge(descriptor: .init(metricName: "attest_log_records", unitName: "", helpText: "Records in the log (its head sequence)."))
        groupSize = registry.makeValueHistogram(
            descriptor: .init(metricName: "attest_group_commit_batches", unitName: "", helpText: "Batches committed together in one write transaction."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128])
    }

    /// The counter of requests answered with `status` by `method` on the route `route`.
    func requests(_ method: String, _ route: String, _ status: Int) -> Counter {
        registry.makeCounter(
            descriptor: .init(metricName: "attest_http_requests", unitName: "total", helpText: "Requests answered, by method, route and status."),
            labels: [("method", method), ("route", route), ("status", String(status))])
    }

    /// The latencies of requests by `method` on the route `route`.
    func latency(_ method: String, _ route: String) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "attest_http_request_duration", unitName: "seconds", helpText: "Time to answer a request."),
            labels: [("method", method), ("route", route)],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)])
    }
}
