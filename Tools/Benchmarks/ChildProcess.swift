import Foundation

/// This executable run again as a child process with its standard output on a pipe, and
/// killed with SIGKILL at a chosen moment: it gets no chance to clean up.
///
/// It is spawned and reaped directly (`posix_spawn`, `waitpid`), so that neither its exit
/// nor the last lines it wrote before it died can be missed, however early it is killed.
struct ChildProcess {
    /// How a run ended.
    struct Ending {
        /// Every complete line the child wrote, in order.
        let lines: [String]
        /// Whether SIGKILL ended it; otherwise it exited by itself with `status`.
        let killed: Bool
        let status: Int32
    }

    private let pid: pid_t
    private let output: Int32

    /// Starts this executable with `arguments`; standard error is this process's.
    init(arguments: [String]) throws {
        guard let executable = Bundle.main.executablePath else { throw ChildProcessError("cannot find this executable's path") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ChildProcessError("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        #else
        var actions: posix_spawn_file_actions_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The duplicate on standard output stays open across exec; the pipe's own ends do not.
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.output = fds[0]
    }

    /// Reads the child's output until `deadline` and kills it then, unless it exited first;
    /// then reads what it wrote before it died, to the end, and reaps it.
    func run(killingAt deadline: Date) throws -> Ending {
        defer { close(output) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var signalled = false
        while true {
            if !signalled {
                let remaining = deadline.timeIntervalSinceNow
                if remaining <= 0 {
                    kill(pid, SIGKILL)
                    signalled = true
                    continue
                }
                var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
                let polled = poll(&ready, 1, Int32((remaining * 1000).rounded(.up)))
                if polled < 0, errno != EINTR { throw ChildProcessError("poll: \(String(cString: strerror(errno)))") }
                if polled <= 0 { continue }
            }
            let count = read(output, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ChildProcessError("reading the child's output: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }  // the child is gone and every byte it wrote is read
            bytes.append(contentsOf: buffer[0..<count])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ChildProcessError("waitpid: \(String(cString: strerror(errno)))") }
        }
        // The wait status: the terminating signal in the low 7 bits, else the exit status above them.
        let signal = status & 0x7F
        // A line cut short by the kill is not a line the child wrote.
        let complete = bytes.lastIndex(of: UInt8(ascii: "\n")).map { bytes[...$0] } ?? []
        let lines = complete.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        return Ending(lines: lines, killed: signal == SIGKILL, status: signal == 0 ? (status >> 8) & 0xFF : signal)
    }
}

/// A child process that could not be started, read or reaped.
struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
