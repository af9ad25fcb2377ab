import Foundation
import NIOSSL

/// The certificate chain and private key, as PEM files, that the server answers HTTPS
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
            throw ServerTLSError(.certificateChain, certificateChain, "no PEM certificate chain could be read from it (\(error))")
        }
        guard !chain.isEmpty else { throw ServerTLSError(.certificateChain, certificateChain, "the file holds no certificate") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKey, format: .pem) } catch {
            throw ServerTLSError(.privateKey, privateKey, "no PEM private key could be read from it (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

/// A certificate chain or private key the server cannot use: which file, and why.
public struct ServerTLSError: Error, CustomStringConvertible {
    public enum File: Sendable { case certificateChain, privateKey }

    public let file: File
    public let path: String
    public let problem: String

    init(_ file: File, _ path: String, _ problem: String) { (self.file, self.path, self.problem) = (file, path, problem) }

    public var description: String { "\(file == .certificateChain ? "the certificate chain" : "the private key") \(path): \(problem)" }
}
