import Foundation
import NIOSSL

/// The certificate chain and private key, as PEM files, that `attest serve` answers HTTPS
/// with (TLS 1.2 or later) when it is reached directly rather than through a proxy.
public struct ServerTLS: Sendable {
    public let certificateChain: String
    public let privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// - Throws: `ServerTLSError` naming the file that cannot be read, and why.
    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateChain) } catch {
            throw ServerTLSError("--tls-cert \(certificateChain): no PEM certificate chain could be read from it (\(error))")
        }
        guard !chain.isEmpty else { throw ServerTLSError("--tls-cert \(certificateChain): the file holds no certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKey, format: .pem) } catch {
            throw ServerTLSError("--tls-key \(privateKey): no PEM private key could be read from it (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

/// A certificate or key `attest serve` cannot use.
public struct ServerTLSError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
