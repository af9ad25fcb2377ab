import AttestKit

/// What an append answers: each event's line and where it is in the log.
package struct AppendedEvents: Encodable, Sendable {
    package struct Event: Encodable, Sendable {
        package let line: Int
        package let sequence: UInt64
        package let streamVersion: UInt64
        package let duplicate: Bool

        package init(line: Int, sequence: UInt64, streamVersion: UInt64, duplicate: Bool) {
            (self.line, self.sequence, self.streamVersion, self.duplicate) = (line, sequence, streamVersion, duplicate)
        }
    }

    package let appended: [Event]

    package init(appended: [Event]) { self.appended = appended }

    /// The answer as JSON, keys sorted, as the server's `JSONBody.encoder()` writes it:
    /// `{"appended":[{"duplicate":false,"line":1,"sequence":7,"streamVersion":1}]}`.
    ///
    /// Written with `JSONText` because every append answers with it: `attest-bench response`
    /// measures it beside `JSONEncoder`, and `AppendedEventsTests` hold the two to the same bytes.
    package var json: [UInt8] {
        var json = JSONText(capacity: 16 + 72 * appended.count)
        json.openObject()
        json.key("appended")
        json.openArray()
        for event in appended {
            json.openObject()
            json.key("duplicate"); json.bool(event.duplicate)
            json.key("line"); json.number(Int64(event.line))
            json.key("sequence"); json.number(event.sequence)
            json.key("streamVersion"); json.number(event.streamVersion)
            json.closeObject()
        }
        json.closeArray()
        json.closeObject()
        return json.bytes
    }
}
