import Assessment
import AttestTesting
import Bundles
import Centre
import Checkpoints
import EventLog
import Foundation
import Projections
import Replay
import Testing

/// A replay counts days on the centre's calendar: the store's time zone, or the one its bundle carries.
@Suite struct TimeZoneReplayTests {
    let directory = TemporaryDirectory("replay-time-zone")
    let key: SigningKey
    var store: String { directory.child("tokyo.store") }
    var bundle: String { directory.child("bundle") }

    /// A centre in Asia/Tokyo registers a learner at 00:30 there on their 16th birthday,
    /// 15:30 the day before in London; its store is copied and exported, signed.
    init() throws {
        key = try SigningKey(generatingFor: "centre.tokyo")
        let centre = try TestCentre.standard(timeZone: try #require(TimeZone(identifier: "Asia/Tokyo")), projections: CentreStore.reports)
        let birthday = try #require(Timestamp.parse("2025-07-10T00:30:00+09:00"))
        try centre.record(.learnerRegistered(TestCentre.learner("L2", born: "2009-07-10")), by: "admin", at: birthday)
        _ = try CheckpointLog(log: centre.store.log, create: true).record(signedBy: key)
        _ = try centre.store.exportBundle(to: bundle, key: key.verifierKey)
        try FileManager.default.copyItem(atPath: centre.path, toPath: store)
    }

    private var options: ReplayOptions {
        var options = ReplayOptions()
        options.key = key.verifierKey
        return options
    }

    @Test func aStoreAndItsBundleReplayInTheCentresTimeZone() throws {
        #expect(try Replayer.verify(store, options: options).breach == nil)
        #expect(try BundleReader(at: bundle).manifest.timeZone == "Asia/Tokyo")
        #expect(try Replayer.verify(bundle, options: options).breach == nil)
    }

    @Test func aBundleThatNamesNoTimeZoneIsReplayedInEuropeLondon() throws {
        let manifest = URL(fileURLWithPath: bundle + "/" + BundleFile.manifest)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
        object["timeZone"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: manifest)
        var options = options
        options.asOf = AsOf("2025-03-01")
        let report = try Replayer.verify(bundle, options: options)
        #expect(report.breach == nil && report.replayed == 0)
        #expect(report.summary.contains("as of 2025-03-01 (the end of that day in Europe/London, 2025-03-01T23:59:59.999999Z)"))
    }

    /// The learner's date of birth is sealed under their key, which a bundle does not carry:
    /// the replay checks the registration by every other rule and says it could not re-run
    /// the age rule (which, in London, the registration would break: the learner is 15 there).
    @Test func aSealedDateOfBirthIsNotCheckedAgainAndTheReplaySaysSo() throws {
        let report = try Replayer.verify(bundle, options: options)
        #expect(report.breach == nil)
        // The standard centre's L1 and L2.
        #expect(report.sealed >= 2 && report.sealedRegistrations == 2)
        #expect(report.summary.contains("by every rule but minimum-age and uln-unique, not re-run on 2 registrations"))
    }

    @Test func anAsOfDayEndsInTheCentresTimeZoneAndSaysWhenTheLogHeldNothing() throws {
        var options = options
        options.asOf = AsOf("2025-03-01")
        let report = try Replayer.verify(store, options: options)
        #expect(report.breach == nil && report.replayed == 0)
        #expect(report.summary.contains(
            "rules        as of 2025-03-01 (the end of that day in Asia/Tokyo, 2025-03-01T14:59:59.999999Z) the log held no records"))
    }
}
