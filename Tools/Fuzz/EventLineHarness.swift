import Assessment

/// The NDJSON event line parser (`CentreEvent(line:)`, and `EventLine.parse` under it):
/// every refusal is an `EventInputError`, and an accepted line's stored binary payload
/// decodes again to an equal message.
final class EventLineHarness: Harness {
    func check(_ input: [UInt8]) throws -> Outcome {
        let event: CentreEvent
        do {
            event = try Self.parse(input)
        } catch {
            return try Harnesses.refusal(error, as: EventInputError.self)
        }
        let decoded: DomainEvent
        do {
            decoded = try DomainEvent(type: event.event.type, version: event.draft.schemaVersion, binary: event.draft.payload)
        } catch {
            throw Finding("the stored payload of an accepted \(event.event.type.rawValue) does not decode: \(error)")
        }
        guard decoded.payload.isEqualTo(message: event.event.payload) else {
            throw Finding("the stored payload of an accepted \(event.event.type.rawValue) decodes to another message")
        }
        return .accepted
    }

    /// The parser under test, given the raw bytes of one line.
    static func parse(_ input: [UInt8]) throws -> CentreEvent {
        try CentreEvent(line: input[...])
    }
}
