import ArgumentParser
import AttestKit
import Dispatch
import Foundation
import Hummingbird
import Server

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a store over HTTP to the centre's signed-in staff.",
        discussion: """
            Staff sign in with the accounts `attest user` opens (POST /v1/session), or call \
            with API tokens (Authorization: Bearer); every event is recorded as the staff \
            member signed in, within what their roles allow (docs/server.md). Requests that \
            append at the same time are committed together. `attest` commands may write to \
            the store while it is served. Stops on SIGINT or SIGTERM once the requests in \
            hand are answered.

            Examples:
              attest serve centre.store --listen 127.0.0.1:8080
              attest serve centre.store --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
            """
    )

    @OptionGroup var location: StoreArgument

    @Option(help: "The address and port to listen on.")
    var listen = "127.0.0.1:8080"

    @Option(help: ArgumentHelp("A PEM certificate chain: answer HTTPS with it (with --tls-key).", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "path"))
    var tlsKey: String?

    @Flag(help: "Mark session cookies Secure: the server is reached over HTTPS, through a proxy in front of it (implied by --tls-cert).")
    var secureCookies = false

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key are given together") }
    }

    func run() throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen: \(listen) is not HOST:PORT, such as 127.0.0.1:8080")
        }
        let server = try CentreServer(store: openStore(location.store))
        let host = String(listen[..<colon])
        var tls: ServerTLS?
        if let tlsCert, let tlsKey { tls = ServerTLS(certificateChain: tlsCert, privateKey: tlsKey) }
        let scheme = tls == nil ? "http" : "https"
        let application = try namingTheOption {
            try server.application(host: host, port: port, tls: tls, secureCookies: secureCookies) { port in
                // Written straight to the descriptor: a pipe's reader hears it at once.
                FileHandle.standardOutput.write(Data("serving \(location.store) at \(scheme)://\(host):\(port)\n".utf8))
            }
        }
        let stopped = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do { try await application.runService() } catch { failure = error }
            stopped.signal()
        }
        stopped.wait()
        if let failure { throw CommandFailure("the server stopped: \(failure)") }
    }

    /// `body`'s result; a certificate or key it cannot use named by its option.
    private func namingTheOption<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ServerTLSError {
            throw CommandFailure("\(error.file == .certificateChain ? "--tls-cert" : "--tls-key") \(error.path): \(error.problem)")
        }
    }
}
