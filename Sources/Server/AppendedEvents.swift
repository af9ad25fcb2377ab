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
    /// Written by hand because every append answers with it: `attest-bench response`
    /// measures it beside `JSONEncoder`, and `AppendedEventsTests` hold the two to the same bytes.
    package var json: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + 72 * appended.count)
        bytes += #"{"appended":["#.utf8
        for (index, event) in appended.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += #"{"duplicate":"#.utf8
            bytes += event.duplicate ? "true".utf8 : "false".utf8
            bytes += #","line":"#.utf8
            bytes += String(event.line).utf8
            bytes += #","sequence":"#.utf8
            bytes += String(event.sequence).utf8
            bytes += #","streamVersion":"#.utf8
            bytes += String(event.streamVersion).utf8
            bytes.append(UInt8(ascii: "}"))
        }
        bytes += "]}".utf8
        return bytes
    }
}
