import AttestKit
import Foundation

/// The lines of an input file, or of standard input for `-`, read as they are needed,
/// as UTF-8 bytes. A line longer than the centre's line limit is handed on cut just past
/// the limit (for the parser to refuse, naming it) and reading stops there.
struct LineReader {
    private let handle: FileHandle
    private let maxLine = InputLimits.centre.lineBytes
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(path: String) throws {
        handle = try openInput(path)
    }

    /// The next line without its line break, or `nil` at the end of the input.
    /// - Throws: the read's error (a failed disk, a directory given as a file).
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")), newline - start <= maxLine {
                defer { start = newline + 1 }
                return buffer[start..<newline]
            }
            if buffer.count - start > maxLine {
                atEnd = true
                defer { start = buffer.count }
                return buffer[start...(start + maxLine)]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            buffer.removeFirst(start)
            start = 0
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }
}

/// The text of `path`, or of standard input for `-`: UTF-8, no longer than a line may be.
func readInput(_ path: String) throws -> String {
    let handle = try openInput(path)
    let limit = InputLimits.centre.lineBytes
    let data = try handle.read(upToCount: limit + 1) ?? Data()
    guard data.count <= limit else { throw CommandFailure("\(describe(path)) is longer than \(limit) bytes") }
    guard let text = String(validating: data, as: UTF8.self) else { throw CommandFailure("\(describe(path)) is not UTF-8 text") }
    return text
}

/// Opens an input for reading: standard input for `-`, otherwise a regular file or a pipe.
private func openInput(_ path: String) throws -> FileHandle {
    if path == "-" { return .standardInput }
    var status = stat()
    guard stat(path, &status) == 0 else { throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))") }
    switch status.st_mode & S_IFMT {
    case S_IFREG, S_IFIFO: break
    case S_IFDIR: throw CommandFailure("\(path) is a directory; give a file, or - for standard input")
    default: throw CommandFailure("\(path) is not a regular file or a pipe")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CommandFailure("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    return handle
}

private func describe(_ path: String) -> String { path == "-" ? "standard input" : path }
