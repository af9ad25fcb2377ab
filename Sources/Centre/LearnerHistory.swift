import Assessment
import EventLog

extension CentreStore {
    /// Every record of learner `learner`, oldest first: those the log links to them
    /// (`EventLog.linkedRecords(of:)`), after those appended before the store linked
    /// records to learners, found by reading the log up to then (`LearnerAttribution`).
    public func records(of learner: String) throws -> [LoggedRecord] {
        let linked = try log.linkedRecords(of: learner)
        guard linked.from != 1 else { return linked.records }
        var attribution = LearnerAttribution()
        var earlier: [LoggedRecord] = []
        try log.read { entry in
            guard linked.from.map({ entry.record.sequence < $0 }) ?? true else { return false }
            if try attribution.learner(of: DomainEvent(record: entry.record.opened { _, _ in nil })) == learner { earlier.append(entry) }
            return true
        }
        return earlier + linked.records
    }
}
