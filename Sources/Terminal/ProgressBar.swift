import Foundation

/// A one-line progress bar on standard error, shown only when standard error is a terminal.
public final class ProgressBar {
    private let label: String
    private let started = Date()

    /// `nil` when standard error is not a terminal: progress stays quiet in pipes and logs.
    public init?(label: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.label = label
    }

    /// Redraws the bar for `done` of `total` items, with the rate and the time left.
    public func update(_ done: UInt64, _ total: UInt64) {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let left = rate > 0 ? Double(total - min(done, total)) / rate : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "\r%@ [%@] %3.0f%%  %.0f events/s  %.0fs left ", label, bar, fraction * 100, rate, left)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the bar's line.
    public func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
