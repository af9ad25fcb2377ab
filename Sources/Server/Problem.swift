import Foundation
import HTTPTypes
import Hummingbird

/// An error answered as RFC 9457 problem details (`application/problem+json`): the
/// status, a short title, and in `detail` the same words the command-line tools print.
public struct Problem: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// What kind of problem: `rule`, `input`, `conflict`, `unauthenticated`, `forbidden`, …
    public let kind: String
    public let title: String
    public let detail: String
    /// More members: the input's `line`, the `rule` broken, the `eventId`, …
    public var members: [String: ProblemValue] = [:]
    /// Headers to send with it (`Retry-After`, `WWW-Authenticate`).
    public var extraHeaders: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ kind: String, title: String, detail: String, members: [String: ProblemValue] = [:]) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.members = members
    }

    public var headers: HTTPFields { extraHeaders }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = ["type": "/problems/\(kind)", "title": title, "status": Int(status.code), "detail": detail]
        for (name, value) in members { object[name] = value.json }
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func unauthenticated(_ detail: String = "sign in (POST /v1/session) or send an API token as Authorization: Bearer") -> Problem {
        var problem = Problem(.unauthorized, "unauthenticated", title: "Not signed in", detail: detail)
        problem.extraHeaders[.wwwAuthenticate] = "Bearer realm=\"attest\""
        return problem
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, "forbidden", title: "Not allowed for this account", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, "not-found", title: "Not found", detail: detail)
    }

    static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, "input", title: "The request is not one this server reads", detail: detail)
    }
}

/// A member of problem details: a number or a text.
public enum ProblemValue: Sendable, Equatable {
    case number(Int)
    case text(String)

    var json: Any {
        switch self {
        case let .number(value): value
        case let .text(value): value
        }
    }
}
