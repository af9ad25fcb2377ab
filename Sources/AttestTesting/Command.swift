import Foundation

/// Runs a built executable of this package, as end-to-end tests do.
public struct Command {
    public let executable: URL

    /// The product `name` from the build directory the tests run from.
    public init(_ name: String, filePath: String = #filePath) {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ].map { $0.appendingPathComponent(name) }
        executable = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// A program outside the package, by its absolute path.
    public init(absolute path: String) {
        executable = URL(fileURLWithPath: path)
    }

    /// What a finished run printed and how it exited.
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs with `arguments` and `input` on standard input, and waits for the exit.
    @discardableResult
    public func run(_ arguments: [String], input: String = "") throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdin = Pipe.unshared(), stdout = Pipe.unshared(), stderr = Pipe.unshared()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = Reader(stdout.fileHandleForReading), err = Reader(stderr.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: out.text(), stderr: err.text())
    }

    /// Starts a run in the background; standard output is delivered line by line.
    public func start(_ arguments: [String], onLine: @escaping @Sendable (String) -> Void) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let stdout = Pipe.unshared()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let buffer = LineBuffer(onLine)
        try process.run()
        // A blocking read on a thread of its own: a readability handler can miss the end
        // of the output of a child killed early.
        let output = stdout.fileHandleForReading
        DispatchQueue.global().async {
            while case let data = output.availableData, !data.isEmpty { buffer.add(data) }
            buffer.finish()
        }
        return Running(process: process, output: buffer)
    }

    /// A run in progress.
    public struct Running {
        public let process: Process
        fileprivate let output: LineBuffer

        /// Whether the child still runs: `Process.isRunning` alone can stay true after the
        /// child is gone, so a child missing from the process table counts as exited.
        public var isAlive: Bool {
            process.isRunning && !(Foundation.kill(process.processIdentifier, 0) != 0 && errno == ESRCH)
        }

        /// Sends SIGKILL: the child gets no chance to clean up.
        public func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

        /// Waits for the exit and for every line the child wrote to be delivered.
        ///
        /// Polls instead of `waitUntilExit`, which can miss the exit of a child killed
        /// moments after it started; a child gone from the process table counts as
        /// exited. Returns the exit status, or `SIGKILL` for a child that was killed.
        @discardableResult
        public func wait(timeout: TimeInterval = 300) -> Int32 {
            let deadline = Date() + timeout
            while isAlive && Date() < deadline { usleep(10_000) }
            output.waitForEnd(until: deadline)
            return process.isRunning ? SIGKILL : process.terminationStatus
        }
    }
}

/// Drains a pipe on a background thread so a chatty child never blocks on a full pipe.
private final class Reader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Splits incoming bytes into complete lines.
final class LineBuffer: @unchecked Sendable {
    private var pending = Data()
    private let lock = NSLock()
    private let onLine: @Sendable (String) -> Void
    private let ended = DispatchSemaphore(value: 0)

    init(_ onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    func finish() { ended.signal() }

    func waitForEnd(until deadline: Date) {
        if ended.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success { ended.signal() }
    }

    func add(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            onLine(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
    }
}

extension Pipe {
    /// A pipe that no other child inherits. Tests start children in parallel: one that
    /// inherited another's pipe would hold it open, and its reader would wait for the end
    /// of the output until that child exited. The child given the pipe gets its own copy
    /// of the descriptor, which stays open across `exec`.
    static func unshared() -> Pipe {
        let pipe = Pipe()
        for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
            _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
        }
        return pipe
    }
}
