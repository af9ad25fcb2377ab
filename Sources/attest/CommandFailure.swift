import AttestKit
import Foundation

/// A failure to report on standard error, with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CommandFailure {
    /// `error` as a person reads it at the command line: Foundation's file errors become the file's path and
    /// the system's reason (`cannot write /x/report.html: No such file or directory`);
    /// errors the library names a remedy for gain the command that carries it out; other
    /// errors pass through.
    static func readable(_ error: any Error) -> any Error {
        switch error {
        case let stale as StaleProjection:
            return CommandFailure(
                "\(stale.state): run `attest rebuild STORE \(stale.name)` to rebuild it from the log (or pass --rebuild); `attest rebuild STORE \(stale.name) --dry-run` lists what would change")
        case let EventLogError.notAStore(path):
            return CommandFailure("\(error) (create one with `attest init \(path)`)")
        default:
            break
        }
        let nsError = error as NSError
        guard nsError.domain == NSCocoaErrorDomain else { return error }
        let path = nsError.userInfo[NSFilePathErrorKey] as? String ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
        let reason = (nsError.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }.map { underlying in
            underlying.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(underlying.code))) : underlying.localizedDescription
        } ?? nsError.localizedDescription
        let verb = (NSFileReadUnknownError...NSFileReadUnknownError + 255).contains(nsError.code) ? "cannot read" : "cannot write"
        return CommandFailure(path.map { "\(verb) \($0): \(reason)" } ?? reason)
    }
}
