import Foundation
import HTTPTypes
import Hummingbird

/// JSON responses, and the elements of a JSON array read as lines of input.
package enum JSONBody {
    static func response(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The request's body read as `type`. - Throws: 400 saying it is not `what`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: ServerContext, expecting what: String) async throws -> T {
        do { return try await request.decode(as: type, context: context) } catch {
            throw Problem.badRequest("the body is not \(what)")
        }
    }

    static func response(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder().encode(value))))
    }

    /// The encoder of the server's JSON answers: keys sorted, slashes as they are.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The top-level elements of a JSON array, each as the bytes of one line of input: the
/// elements are read by the same strict reader as NDJSON, not by a second parser.
enum JSONArrayElements {
    static func split(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var elements: [[UInt8]] = []
        var depth = 0, inString = false, escaped = false, start = -1
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:  // [ {
                depth += 1
                if depth == 1 { guard byte == 0x5B else { throw Problem.badRequest("a JSON body is an array of events") }; start = index + 1 }
            case 0x5D, 0x7D:  // ] }
                if depth == 1 { elements.append(Array(bytes[start..<index])); start = -1 }
                depth -= 1
            case 0x2C where depth == 1:
                elements.append(Array(bytes[start..<index]))
                start = index + 1
            case 0x20, 0x09, 0x0A, 0x0D: break
            default: if depth == 0 { throw Problem.badRequest("a JSON body is an array of events") }
            }
        }
        guard depth == 0, start == -1, !elements.isEmpty || bytes.contains(0x5D) else { throw Problem.badRequest("the JSON array is not closed") }
        return elements.filter { !$0.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) } }
    }
}
