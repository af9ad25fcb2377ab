import HTTPTypes
import Hummingbird

/// Answers a method a route does not take with 405 and the methods it does take in
/// `Allow`, where the router alone would say 404.
struct MethodNotAllowed: RouterMiddleware {
    /// Each route's path, `*` for a parameter, and its methods.
    let routes: [(path: [Substring], methods: [HTTPRequest.Method])]

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let path = request.uri.path.split(separator: "/")
            guard let route = routes.first(where: { route in
                route.path.count == path.count && zip(route.path, path).allSatisfy { $0 == "*" || $0 == $1 }
            }), !route.methods.contains(request.method) else { throw error }
            var problem = Problem(.methodNotAllowed, "method", title: "Not a method of this path",
                                  detail: "\(request.uri.path) takes \(route.methods.map(\.rawValue).joined(separator: ", ")), not \(request.method.rawValue)")
            problem.extraHeaders[.allow] = route.methods.map(\.rawValue).joined(separator: ", ")
            throw problem
        }
    }
}
