import Assessment
import Centre
import EventLog
import Foundation

/// The learners whose personal data the centre has kept for its retention period after
/// they completed or were withdrawn, and may keep no longer (UK GDPR storage limitation).
public struct RetentionReview: Codable, Sendable {
    /// The centre's retention period, in months.
    public let months: Int
    /// The day reviewed, in the centre's time zone (`2029-01-31`).
    public let on: String
    /// The learners past the period on that day, oldest end first; erased learners are not listed.
    public let due: [Learner]

    public struct Learner: Codable, Equatable, Sendable {
        public let learner: String
        /// `certificated`, `achieved` or `withdrawn`: what ended their time at the centre.
        public let status: String
        /// When it ended (RFC 3339): the certificate claimed, the specification completed, or the withdrawal.
        public let ended: String
        /// The day the period ended, in the centre's time zone.
        public let periodEnded: String
    }

    /// The reason an erasure of `learner` under this review records (no personal data).
    public func reason(_ learner: Learner) -> String {
        "retention period of \(months) months after the learner was \(learner.status.replacingOccurrences(of: "_", with: " ")) ended on \(learner.periodEnded)"
    }
}

extension CentreStore {
    /// The retention period when the centre set none: three years, the awarding organisations' usual norm.
    public static let defaultRetentionMonths = 36

    /// The centre's retention period in months (`setting/retention-months`, else `defaultRetentionMonths`).
    public func retentionMonths() throws -> Int {
        guard let text = try log.setting("retention-months") else { return Self.defaultRetentionMonths }
        guard let months = Int(text), months > 0 else { throw RetentionError("the store's retention-months setting is \(Quote.value(text)), not a number of months") }
        return months
    }

    /// Sets the centre's retention period. - Throws: `RetentionError` unless 1…1200 months.
    public func setRetention(months: Int) throws {
        guard (1...1200).contains(months) else { throw RetentionError("a retention period is 1 to 1200 months, not \(months)") }
        try log.set("retention-months", to: String(months))
    }

    /// The learners past the retention period at the end of day `day` in the centre's time
    /// zone: those certificated, achieved or withdrawn more than the period before, read
    /// from the stored transcripts and the withdrawn learners' records (no personal data is read).
    public func retentionReview(on day: CalendarDate? = nil) throws -> RetentionReview {
        let months = try retentionMonths()
        let calendar = Calendar.gregorian(in: timeZone)
        let day = day ?? CalendarDate(Date(), in: timeZone)
        let due = try read(asOf: nil) { try Transcript.all(in: $0) }.compactMap { transcript -> (Date, RetentionReview.Learner)? in
            guard transcript.erased != true else { return nil }
            let ended = switch transcript.status {
            case "certificated": transcript.certificatedAt
            case "withdrawn": try withdrawal(of: transcript.learner)
            case "achieved": transcript.achievedAt
            default: String?.none
            }
            guard let ended, let endedAt = Timestamp.parse(ended),
                  let until = calendar.date(byAdding: DateComponents(month: months), to: calendar.startOfDay(for: endedAt))
            else { return nil }
            let periodEnded = CalendarDate(until, in: timeZone)
            guard periodEnded <= day else { return nil }
            return (endedAt, RetentionReview.Learner(learner: transcript.learner, status: transcript.status, ended: ended, periodEnded: periodEnded.description))
        }
        return RetentionReview(months: months, on: day.description, due: due.sorted { ($0.0, $0.1.learner) < ($1.0, $1.1.learner) }.map(\.1))
    }

    /// When learner `learner` was withdrawn (RFC 3339): the `occurredAt` of their last
    /// `learner.withdrawn`, read from their records; `nil` when they were not.
    private func withdrawal(of learner: String) throws -> String? {
        try records(of: learner).last { $0.record.eventType == EventType.learnerWithdrawn.rawValue }
            .map { Timestamp.format(micros: $0.record.occurredAtMicros) }
    }
}

/// A retention period that cannot be read or set: what is wrong.
public struct RetentionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
