import AttestKit
import Foundation

/// The centre at a glance: its learners by status and qualification, achievements by
/// month, and, for those who read them, the audit's gaps first, sampling coverage and
/// the latest checkpoint.
public struct DashboardView: Sendable {
    let scope: String
    let logSize: UInt64
    let learners: Int
    let statuses: [Count]
    let qualifications: [QualificationRow]
    let achievements: Chart?
    let audit: AuditSummary?
    let checkpoints: CheckpointSummary?

    struct Count: Sendable {
        let label: String
        let count: Int
    }

    struct QualificationRow: Sendable {
        let id: String
        let counts: [Int]
        let total: Int
    }

    struct AuditSummary: Sendable {
        let hasGaps: Bool
        let gaps: [AuditView.Gap]
        let decisions: Int
        let sampled: Int
        let sampleRate: String
        let assessorsSampled: String
        let unitsSampled: String
    }

    struct CheckpointSummary: Sendable {
        let latest: CheckpointsView.Row?
    }

    /// - Parameters:
    ///   - standings: the learners the staff member reads.
    ///   - scope: which learners those are, in words.
    ///   - audit: the audit, for those who read it.
    ///   - checkpoints: every checkpoint, for those who read them.
    ///   - months: how many months of achievements to chart, up to `now`.
    public init(
        standings: [LearnerStanding], scope: String, logSize: UInt64, audit: Audit?, checkpoints: [CheckpointListing]?,
        months: Int = 24, now: Date = Date()
    ) {
        self.scope = scope
        self.logSize = logSize
        learners = standings.count
        var byStatus: [String: Int] = [:]
        var byQualification: [String: [String: Int]] = [:]
        for standing in standings {
            byStatus[standing.status, default: 0] += 1
            byQualification[standing.qualification, default: [:]][standing.status, default: 0] += 1
        }
        statuses = Transcript.statuses.map { Count(label: words($0), count: byStatus[$0] ?? 0) }
        qualifications = byQualification.keys.sorted { $0.naturallyPrecedes($1) }.map { id in
            let counts = Transcript.statuses.map { byQualification[id]?[$0] ?? 0 }
            return QualificationRow(id: id, counts: counts, total: counts.reduce(0, +))
        }
        let byMonth = Self.achievements(standings, months: months, now: now)
        achievements = byMonth.contains { $0.value > 0 }
            ? Chart.columns(id: "achievements", caption: "Learners who achieved their specification, by month, over the last \(months) months",
                            labelHeading: "Month", valueHeading: "Learners", byMonth)
            : nil
        self.audit = audit.map { audit in
            let decisions = audit.assessors.reduce(0) { $0 + $1.decisions }
            let sampled = audit.assessors.reduce(0) { $0 + $1.sampled }
            let gaps = AuditView.gaps(of: audit, months: 12)
            return AuditSummary(
                hasGaps: !gaps.isEmpty, gaps: gaps.map { $0.shortened(to: 8) },
                decisions: decisions, sampled: sampled, sampleRate: Chart.percent(decisions == 0 ? 0 : Double(sampled) / Double(decisions)),
                assessorsSampled: "\(audit.assessors.count { $0.sampled > 0 }) of \(audit.assessors.count { $0.decisions > 0 })",
                unitsSampled: "\(audit.units.count { $0.sampled > 0 }) of \(audit.units.count { $0.decisions > 0 })")
        }
        self.checkpoints = checkpoints.map { all in
            CheckpointSummary(latest: all.last.map { CheckpointsView.Row($0, latest: nil, logSize: logSize) })
        }
    }

    /// Learners achieving in each of the last `months` months (`2025-03`, in UTC, as the
    /// log's timestamps are), oldest first.
    static func achievements(_ standings: [LearnerStanding], months: Int, now: Date) -> [(label: String, value: Int)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let labels: [String] = (0..<months).reversed().compactMap { back in
            calendar.date(byAdding: .month, value: -back, to: now).map { String(Timestamp.format($0).prefix(7)) }
        }
        var counts: [String: Int] = [:]
        for standing in standings {
            guard let achieved = standing.achievedAt else { continue }
            counts[String(achieved.prefix(7)), default: 0] += 1
        }
        return labels.map { ($0, counts[$0] ?? 0) }
    }

}
