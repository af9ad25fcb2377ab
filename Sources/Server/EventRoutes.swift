import AttestKit
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/events` and `GET /v1/events`.
struct EventRoutes {
    let store: CentreStore
    let commits: GroupCommit
    let metrics: ServerMetrics

    /// Appends the events of the body (NDJSON, or a JSON array with
    /// `Content-Type: application/json`) as one batch, all or nothing, as the signed-in
    /// staff member, who must be the actor of every event.
    func append(_ request: Request, context: ServerContext) async throws -> Response {
        let principal = try context.signedIn()
        if principal.readsOnly { throw Problem.forbidden("\(principal.staffID) reads this store; they record nothing in it") }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let lines = request.headers[.contentType]?.hasPrefix("application/json") == true
            ? try JSONArrayElements.split(Array(body.readableBytesView))
            : Array(body.readableBytesView).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        var events: [CentreEvent] = []
        var numbers: [Int] = []
        for (index, line) in lines.enumerated() where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            let event: CentreEvent
            do {
                event = try CentreEvent(line: line[...])
            } catch let error as EventInputError {
                throw Problem(.badRequest, "input", title: "A line is not an event", detail: "line \(index + 1): \(error.description)",
                              members: ["line": .number(index + 1)])
            }
            try Self.check(event, line: index + 1, by: principal)
            events.append(event)
            numbers.append(index + 1)
        }
        guard !events.isEmpty else { throw Problem.badRequest("the request holds no events") }
        let appended = try await record(events, lines: numbers)
        let answer = AppendedEvents(appended: zip(numbers, appended).map { number, appended in
            .init(line: number, sequence: appended.sequence, streamVersion: appended.streamVersion, duplicate: appended.duplicate)
        })
        return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer.json)))
    }

    /// Appends `events` (checked by `check`) as one batch in the next group commit, all or
    /// nothing. - Throws: `Problem` naming the refused event's `lines` entry, its rule and facts.
    func record(_ events: [CentreEvent], lines: [Int]) async throws -> [Appended] {
        let appended: [Appended]
        do {
            appended = try await commits.append(events)
        } catch let refusal as BatchRefusal {
            metrics.refused.increment()
            throw Self.problem(refusal, line: lines[refusal.index])
        } catch let refusal as ErasureRefusal {
            metrics.refused.increment()
            throw Problem(.unprocessableContent, "rule", title: "Refused by the centre's rules", detail: refusal.description)
        }
        metrics.appended.increment(by: Int64(appended.count { !$0.duplicate }))
        return appended
    }

    /// The actor of every event is the signed-in staff member, in a role that records its type.
    static func check(_ event: CentreEvent, line: Int, by principal: Principal) throws {
        let actor = event.draft.actor.id
        guard actor == principal.staffID else {
            var problem = Problem.forbidden("line \(line): the actor is \(actor), but the request is made by \(principal.staffID); events are recorded only as the signed-in staff member")
            problem.members["line"] = .number(line)
            throw problem
        }
        let allowed = event.event.type.allowedRoles
        guard principal.holdsAny(of: allowed) else {
            var problem = Problem.forbidden("line \(line): \(principal.staffID) may not record \(event.event.type.rawValue): its roles are \(allowed.map(\.envelopeName).sorted().joined(separator: ", "))")
            problem.members["line"] = .number(line)
            throw problem
        }
    }

    /// A refused batch as problem details, in the words of its refusal (`BatchRefusal`).
    static func problem(_ refusal: BatchRefusal, line: Int) -> Problem {
        var members: [String: ProblemValue] = ["line": .number(line), "eventId": .text(refusal.eventID.uuidString.lowercased())]
        let detail = "line \(line): \(refusal.reason); nothing was appended"
        switch refusal.cause {
        case let .rule(violation):
            members["rule"] = .text(violation.rule)
            return Problem(.unprocessableContent, "rule", title: "Refused by the centre's rules", detail: detail, members: members)
        case .log:
            return Problem(.conflict, "conflict", title: "The log holds something else there", detail: detail, members: members)
        default:
            return Problem(.badRequest, "input", title: "A line is not an event", detail: detail, members: members)
        }
    }

    /// A page of the log from `from` (default 1), at most `limit` records (default 100,
    /// at most 1000), of one stream when `stream` is given.
    func read(_ request: Request, context: ServerContext) async throws -> Response {
        let reader = try LogReader(context, store: store)
        let query = request.uri.queryParameters
        let from = try query["from"].map { try Self.number($0, "from", 1...UInt64.max) } ?? 1
        let limit = try query["limit"].map { try Self.number($0, "limit", 1...1000) } ?? 100
        var lines: [String] = []
        var next: UInt64?
        let page: (LoggedRecord) throws -> Bool = { entry in
            guard entry.record.sequence >= from else { return true }
            guard lines.count < limit else {
                next = entry.record.sequence
                return false
            }
            lines.append(try reader.json(entry))
            return true
        }
        if let stream = query["stream"].map(String.init) { try store.log.read(stream: stream, page) } else { try store.log.read(from: from, page) }
        let following = next.map { String($0) } ?? "null"
        let body = #"{"events":["# + lines.joined(separator: ",") + #"],"next":"# + following + "}"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Server-Sent Events: the records from `from` (or after `Last-Event-ID`, when a
    /// subscriber reconnects), then each record as it is appended, by the server or any
    /// other writer. Each event's `id` is the record's sequence and its data the sequence,
    /// the Merkle leaf hash and the record. Records are read in short snapshots
    /// (`EventLog.follow`): a subscriber never holds a read transaction while it waits.
    func subscribe(_ request: Request, context: ServerContext) async throws -> Response {
        let reader = try LogReader(context, store: store)
        let from: UInt64
        if let last = request.headers[.lastEventID] {
            from = try Self.number(Substring(last), "Last-Event-ID", 0...(UInt64.max - 1)) + 1
        } else {
            from = try request.uri.queryParameters["from"].map { try Self.number($0, "from", 0...UInt64.max) } ?? 1
        }
        let records = store.log.follow(from: from, every: .milliseconds(50))
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                for try await entry in records {
                    let sequence = entry.record.sequence
                    let data = #"{"sequence":\#(sequence),"leafHash":"\#(entry.chainHash.hex)","record":\#(try reader.json(entry))}"#
                    try await writer.write(ByteBuffer(string: "id: \(sequence)\nevent: record\ndata: \(data)\n\n"))
                }
                try await writer.finish(nil)
            })
    }

    static func number(_ text: Substring, _ name: String, _ range: ClosedRange<UInt64>) throws -> UInt64 {
        guard let value = UInt64(text), range.contains(value) else { throw Problem.badRequest("\(name) is \(text); it is a number from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }
}

/// Who reads the log: centre administrators, who see personal fields opened, and external
/// quality assurers and awarding-organisation officers, who see them sealed.
struct LogReader: Sendable {
    let keyring: Keyring?

    init(_ context: ServerContext, store: CentreStore) throws {
        let principal = try context.signedIn(
            holdingAnyOf: Principal.logReaders,
            else: "the log is read by centre administrators, external quality assurers and awarding-organisation officers")
        keyring = principal.holds(.centreAdministrator) ? Keyring(store: store.log.environment.path) : nil
    }

    /// The record as one line of JSON (`LoggedRecord.domainJSONLine`), its sealed fields opened.
    func json(_ entry: LoggedRecord) throws -> String {
        try entry.domainJSONLine { record, field in try keyring?.open(record, field) }
    }
}
