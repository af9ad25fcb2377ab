import Foundation

/// Why the log refused a request. Batch errors name the event by its index in the batch.
public enum EventLogError: Error, Equatable, CustomStringConvertible {
    case notAStore(path: String)
    case alreadyAStore(path: String)
    case unsupportedFormat(found: String)
    case invalidEvent(index: Int, reason: String)
    case versionConflict(index: Int, stream: String, expected: UInt64, actual: UInt64)
    case idConflict(index: Int, id: UUID, sequence: UInt64)
    case corrupt(reason: String)
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case let .notAStore(path):
            "\(path) is not an Attest store"
        case let .alreadyAStore(path):
            "\(path) already holds an Attest store"
        case let .unsupportedFormat(found):
            "the store's format is \(found); this version of Attest reads \(EventLog.format)"
        case let .invalidEvent(_, reason):
            reason
        case let .versionConflict(_, stream, expected, actual):
            "stream \(stream) is at version \(actual), expected \(expected)"
        case let .idConflict(_, id, sequence):
            "event id \(id.uuidString.lowercased()) is already in the log at sequence \(sequence) with different content"
        case let .corrupt(reason):
            "the store is damaged: \(reason)"
        case let .unknownTimeZone(identifier):
            "the store's time zone \(identifier) is not one this system knows (its time zone database may be older than the store)"
        }
    }

    /// The position in the batch of the event that was refused, if any.
    public var batchIndex: Int? {
        switch self {
        case let .invalidEvent(index, _), let .versionConflict(index, _, _, _), let .idConflict(index, _, _):
            index
        default:
            nil
        }
    }
}
