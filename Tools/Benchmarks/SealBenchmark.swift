import ArgumentParser
import Crypto
import Foundation
import Privacy

/// Sealing and opening a personal field (`FieldSeal`: a synthetic nonce, AES-256-GCM with
/// the event id and field as associated data) beside swift-crypto's AES-GCM alone with a
/// random nonce, on values the size of a name and of an assessor's feedback, in turns.
struct SealBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Measure sealing and opening personal fields beside AES-GCM alone."
    )

    @Option(help: "Fields per run and value size.")
    var fields = 300_000

    @Option(help: "Runs; the figures are medians.")
    var runs = 5

    func run() throws {
        let key = SymmetricKey(size: .bits256)
        let sealing = FieldSeal.SealingKey(key)
        let eventID = Data((0..<16).map { UInt8($0) })
        for size in [8, 120] {
            let value = Data((0..<size).map { UInt8(ascii: "a") &+ UInt8($0 % 26) })
            let sealed = try FieldSeal.seal(value, field: 7, eventID: eventID, key: sealing)
            var figures: [String: [Double]] = [:]
            var sink = 0
            for _ in 0..<runs {
                figures["seal", default: []].append(try measure(fields) {
                    for _ in 0..<fields { sink &+= try FieldSeal.seal(value, field: 7, eventID: eventID, key: sealing).count }
                })
                figures["open", default: []].append(try measure(fields) {
                    for _ in 0..<fields { sink &+= try FieldSeal.open(sealed, field: 7, eventID: eventID, key: sealing).count }
                })
                figures["aes-gcm", default: []].append(try measure(fields) {
                    for _ in 0..<fields { sink &+= try AES.GCM.seal(value, using: key, authenticating: eventID).combined!.count }
                })
            }
            let median = figures.mapValues { $0.sorted()[runs / 2] }
            print("\(size)-byte values, median of \(runs) runs (fields/s): FieldSeal.seal \(Int(median["seal"]!)), FieldSeal.open \(Int(median["open"]!)), "
                + "AES-GCM alone \(Int(median["aes-gcm"]!)) (seal: \(percent(median["seal"]!, of: median["aes-gcm"]!)) of it)\(sink == 0 ? "" : "")")
        }
    }
}
