import AttestTesting
import EventLog
import Foundation
import LMDB
import Testing

/// The `attest` binary end to end: what a centre types and what it sees.
@Suite struct CommandLineTests {
    let attest = Command("attest")
    let directory = TemporaryDirectory("cli")
    var store: String { directory.child("centre.store") }

    static let lines = [
        #"{"id":"0190f5a2-0000-7000-8000-000000000001","stream":"staff-admin-1","type":"staff.registered","actor":{"id":"admin-1","role":"centre_administrator"},"occurredAt":"2026-03-02T09:30:00Z","expectedVersion":0,"payload":{"staffId":"admin-1","roles":["CENTRE_ADMINISTRATOR"]}}"#,
        #"{"type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:31:00.250+01:00","correlationId":"0190f5a2-0000-7000-8000-0000000000aa","payload":{"staffId":"assessor-7","roles":["ASSESSOR"],"competentUnits":["A/506/2130","F/506/2131"],"status":"QUALIFIED"}}"#,
    ]

    @Test func initAppendLogHeadAndVerifyWorkTogether() throws {
        #expect(try attest.run(["init", store]).status == 0)
        let appended = try attest.run(["append", store, "-"], input: Self.lines.joined(separator: "\n") + "\n")
        #expect(appended.status == 0)
        #expect(appended.stdout == "line 1: sequence 1\nline 2: sequence 2\n")

        let again = try attest.run(["append", store, "-"], input: Self.lines[0])
        #expect(again.stdout == "line 1: sequence 1 (already recorded)\n")

        let log = try attest.run(["log", store, "--json"])
        let records = log.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(records.count == 2)
        #expect(records[0]["id"] as? String == "0190f5a2-0000-7000-8000-000000000001")
        #expect(records[0]["previousHash"] as? String == String(repeating: "0", count: 64))
        #expect(records[1]["previousHash"] as? String == records[0]["hash"] as? String)
        #expect(records[1]["occurredAt"] as? String == "2026-03-02T08:31:00.250000Z")
        #expect(records[1]["correlationId"] as? String == "0190f5a2-0000-7000-8000-0000000000aa")
        #expect(records[1]["stream"] as? String == "staff-assessor-7")
        #expect((records[1]["payload"] as? [String: Any])?["competentUnits"] as? [String] == ["A/506/2130", "F/506/2131"])

        let stream = try attest.run(["log", store, "--stream", "staff-assessor-7"])
        #expect(stream.stdout.split(separator: "\n").count == 1)
        #expect(stream.stdout.contains("staff-assessor-7@1\tstaff.registered\tadmin-1"))

        let head = try JSONSerialization.jsonObject(with: Data(try attest.run(["head", store, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(head["sequence"] as? Int == 2)
        #expect(head["chainHash"] as? String == records[1]["hash"] as? String)

        let verified = try attest.run(["verify", store, "--json"])
        #expect(verified.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as! [String: Any]
        #expect(report["verified"] as? Bool == true)
        #expect(report["records"] as? Int == 2)
        #expect(report["merkleRoot"] as? String == head["merkleRoot"] as? String)
    }

    @Test func aStoreKeepsTheCentresTimeZoneAndTheHeadShowsIt() throws {
        #expect(try attest.run(["init", store, "--time-zone", "America/New_York"]).status == 0)
        let head = try JSONSerialization.jsonObject(with: Data(try attest.run(["head", store, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(head["timeZone"] as? String == "America/New_York")
        #expect(try attest.run(["head", store]).stdout.hasSuffix("time zone    America/New_York\n"))

        let london = directory.child("london.store")
        #expect(try attest.run(["init", london]).status == 0)
        #expect(try attest.run(["head", london]).stdout.hasSuffix("time zone    Europe/London\n"))

        let mars = directory.child("mars.store")
        let unknown = try attest.run(["init", mars, "--time-zone", "Mars/Olympus_Mons"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("Mars/Olympus_Mons is not a time zone this system knows"))
        #expect(!FileManager.default.fileExists(atPath: mars))
    }

    @Test func aStoreFromBeforeTimeZonesIsInEuropeLondon() throws {
        let fixture = try Fixtures.copy("v1/store", into: directory)
        let head = try JSONSerialization.jsonObject(with: Data(try attest.run(["head", fixture, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(head["sequence"] as? Int == 252)
        #expect(head["timeZone"] as? String == "Europe/London")
    }

    @Test func anAsOfThatFindsNothingSaysWhichPointItUsed() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "2", "--seed", "2"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        // The store stamped every record with its own clock, after 2025-03-01.
        let message = "as of 2025-03-01 (the end of that day in Europe/London, 2025-03-01T23:59:59.999999Z) the log held no records"
        let transcript = try attest.run(["transcript", store, "L000001", "--as-of", "2025-03-01"])
        #expect(transcript.status != 0)
        #expect(transcript.stderr.contains(message))
        let audit = try attest.run(["audit", store, "--as-of", "2025-03-01", "--json"])
        #expect(audit.status != 0 && audit.stdout.isEmpty)
        #expect(audit.stderr.contains(message))
        #expect(try attest.run(["transcript", store, "L000001", "--as-of", "1"]).stderr.contains(#"learner "L000001" is not registered"#))
    }

    @Test(arguments: [
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{},"colour":"red"}"#,
         #"line 2: has an unknown field "colour"; nothing was appended"#),
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"yesterday","payload":{}}"#,
         #"line 2: "occurredAt" is not an RFC 3339 date-time such as 2026-03-02T09:30:00Z: "yesterday"; nothing was appended"#),
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z"}"#,
         #"line 2: has no "payload"; nothing was appended"#),
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{}"#,
         "line 2: is not valid JSON: a comma or the end of the object was expected; nothing was appended"),
        (#"{"type":"note.added","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{}}"#,
         #"line 2: unknown event type "note.added"; nothing was appended"#),
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"1","colour":"red"}}"#,
         #"line 2: payload of learner.withdrawn: unknown field "colour"; nothing was appended"#),
        (#"{"type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"staffId":"admin-1","roles":["CENTRE_ADMINISTRATOR"]},"expectedVersion":7}"#,
         "line 2: stream staff-admin-1 is at version 1, expected 7; nothing was appended"),
        (#"{"id":"0190f5a2-0000-7000-8000-000000000001","type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"staffId":"admin-2","roles":["CENTRE_ADMINISTRATOR"]}}"#,
         "line 2: event id 0190f5a2-0000-7000-8000-000000000001 is already in the log at sequence 1 with different content; nothing was appended"),
        (#"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"C-0042","reason":"moved"}}"#,
         "line 2: rule learner-registered: learner C-0042 is not registered; nothing was appended"),
    ])
    func aBadLineRefusesTheWholeBatchNamingTheLine(bad: String, message: String) throws {
        try attest.run(["init", store])
        try attest.run(["append", store, "-"], input: Self.lines[0])
        let head = try attest.run(["head", store]).stdout
        let refused = try attest.run(["append", store, "-"], input: Self.lines[1] + "\n" + bad + "\n")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(message))
        #expect(try attest.run(["head", store]).stdout == head)
    }

    @Test func batchesCommitInTurnAndARefusalNamesWhatWasKept() throws {
        try attest.run(["init", store])
        let third = #"{"type":"learner.withdrawn","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:30:00Z","payload":{"learnerId":"9","reason":"x"}}"#
        let result = try attest.run(["append", store, "-", "--batch-size", "2"], input: (Self.lines + [third]).joined(separator: "\n"))
        #expect(result.status != 0)
        #expect(result.stdout == "line 1: sequence 1\nline 2: sequence 2\n")
        #expect(result.stderr.contains(
            "line 3: rule learner-registered: learner 9 is not registered; its batch and the rest were not appended (2 events of earlier batches were)"))
        let quiet = try attest.run(["append", store, "-", "--quiet"], input: Self.lines.joined(separator: "\n"))
        #expect(quiet.stdout == "appended 2 events\n")
        #expect(try attest.run(["append", store, "-", "--batch-size", "0"], input: "").stderr.contains("--batch-size must be 1 or more"))
    }

    @Test func aTranscriptShowsAsATableAndAsJSON() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "12", "--seed", "2"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        let table = try attest.run(["transcript", store, "L000003"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("Learner L000003 Dev Davies (ULN 5266181251): 603/4767/3 version 1: SFJ Awards Level 2 Certificate in Customer Service (qualification; SFJ Awards)\n"))
        #expect(table.stdout.contains("A/506/2130   A      5        "))
        let json = try attest.run(["transcript", store, "L000003", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(Set(object.keys) == Set<String>([
            "learner", "uln", "givenName", "familyName", "qualification", "specificationVersion", "specification", "status", "rulesOfCombinationMet", "achievedAt",
            "credits", "shortfalls", "units", "adjustments", "samples",
        ]).subtracting(object["achievedAt"] == nil ? ["achievedAt"] : []))
        #expect((object["units"] as? [Any])?.count == 23)
        let unknown = try attest.run(["transcript", store, "42"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains(#"learner "42" is not registered"#))
    }

    @Test func aStandardIsImportedAssessedAndShownItemByItem() throws {
        try attest.run(["init", store])
        #expect(try attest.run(["append", store, "-"], input: Self.lines[0]).status == 0)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/qualifications/examples/occupational-standard.json").path
        #expect(try attest.run(["spec", "import", store, file, "--actor", "admin-1"]).stdout.contains("EXAMPLE-NOS-01 version 1"))
        let digest = String(repeating: "ab", count: 32)
        let story = [
            #"{"type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:40:00Z","payload":{"staffId":"assessor-7","roles":["ASSESSOR"],"competentUnits":["EXAMPLE-NOS-01"],"status":"QUALIFIED"}}"#,
            #"{"type":"staff.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:41:00Z","payload":{"staffId":"iqa-2","roles":["INTERNAL_QUALITY_ASSURER"],"competentUnits":["EXAMPLE-NOS-01"],"status":"QUALIFIED"}}"#,
            #"{"type":"learner.registered","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T09:42:00Z","payload":{"learnerId":"R-1","qualification":"EXAMPLE-NOS-01","specificationVersion":1,"dateOfBirth":"1990-01-01","givenName":"Rui","familyName":"Costa","assessor":"assessor-7","internalQualityAssurer":"iqa-2"}}"#,
            #"{"type":"evidence.submitted","actor":{"id":"assessor-7"},"occurredAt":"2026-03-02T10:00:00Z","payload":{"evidenceId":"EV-1","learnerId":"R-1","unit":"EXAMPLE-NOS-01","method":"OBSERVATION","criteria":["P1","P2","P3","P4","P5","P6"],"artefact":{"sha256":"\#(digest)","mediaType":"video/mp4","sizeBytes":"1000"}}}"#,
            #"{"type":"evidence.assessed","actor":{"id":"assessor-7"},"occurredAt":"2026-03-02T10:30:00Z","payload":{"assessmentId":"AS-1","evidenceId":"EV-1","decisions":[{"criterion":"P1","outcome":"MET"},{"criterion":"P2","outcome":"MET"},{"criterion":"P3","outcome":"MET"},{"criterion":"P4","outcome":"MET"},{"criterion":"P5","outcome":"MET"},{"criterion":"P6","outcome":"MET"}],"feedback":"Observed at the front desk."}}"#,
        ]
        #expect(try attest.run(["append", store, "-", "--quiet"], input: story.joined(separator: "\n")).status == 0)
        let table = try attest.run(["transcript", store, "R-1"])
        #expect(table.stdout.hasPrefix("Learner R-1 Rui Costa: EXAMPLE-NOS-01 version 1: Example Standard: Greet Visitors to a Fictional Reception (occupational standard; Example Standards Body)\nIn progress\n"))
        #expect(table.stdout.contains("Still to achieve: K1 not met, K2 not met, K3 not met, K4 not met, K5 not met, K6 not met"))
        #expect(table.stdout.contains("PERFORMANCE CRITERIA  STATUS\nP1                    met\n"))
        let claim = #"{"type":"certificate.claimed","actor":{"id":"admin-1"},"occurredAt":"2026-03-02T11:00:00Z","payload":{"learnerId":"R-1"}}"#
        let refused = try attest.run(["append", store, "-"], input: claim)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("line 1: rule certificate-earned: learner R-1 has not completed EXAMPLE-NOS-01 version 1: K1 not met, K2 not met"))
    }

    @Test func theAuditShowsAsATableJSONAndAPrintablePage() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "12", "--seed", "2"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        let page = directory.child("audit.html")
        let table = try attest.run(["audit", store, "--html", page])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("ASSESSOR "))
        #expect(table.stdout.contains("learners achieved without a summative sample: "))
        let json = try JSONSerialization.jsonObject(with: Data(try attest.run(["audit", store, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(Set(json.keys) == ["assessors", "iqas", "units", "methods", "gaps"])
        let assessor = try #require((json["assessors"] as? [[String: Any]])?.first)
        #expect(Set(assessor.keys).isSuperset(of: ["id", "decisions", "sampled", "sampleRate", "agreed", "disagreed"]))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("Sample rates by assessor") && html.contains("Sample rates by unit"))
        #expect(!html.contains("<script"))
    }

    @Test func theSamplingGridShowsAgainstThePolicyTheCentreSets() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "12", "--seed", "2"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        let table = try attest.run(["audit", store, "--grid", "--set-sampling-rate", "qualified=25", "--set-sampling-rate", "working-towards=80"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("Sampling policy: 25% of a qualified assessor's decisions, 80% of one working towards"))
        let json = try JSONSerialization.jsonObject(with: Data(try attest.run(["audit", store, "--grid", "--json"]).stdout.utf8)) as! [String: Any]
        #expect(Set(json.keys) == ["on", "policy", "units", "assessors"])
        #expect(json["policy"] as? [String: Double] == ["qualified": 0.25, "workingTowards": 0.8])
        let assessor = try #require((json["assessors"] as? [[String: Any]])?.first)
        #expect(Set(assessor.keys).isSuperset(of: ["id", "status", "decisions", "sampled", "sampleRate", "policyRate", "belowPolicy", "cells"]))
        let refused = try attest.run(["audit", store, "--set-sampling-rate", "qualified=120"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--set-sampling-rate takes qualified=PERCENT or working-towards=PERCENT"))
        // The grid as the server's page, every assessor on it.
        #expect(try attest.run(["audit", store, "--grid", "--html", directory.child("grid.html")]).status == 0)
        let grid = try String(contentsOfFile: directory.child("grid.html"), encoding: .utf8)
        #expect(grid.hasPrefix("<!DOCTYPE html>") && grid.contains(#"<table class="grid">"#) && !grid.contains("Next assessors"))
    }

    @Test func anIndependentVerifierWrittenFromTheFormatPageAgrees() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "6", "--seed", "4"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/verify-store.py").path
        let independent = try Command(absolute: "/usr/bin/env").run(["python3", script, store, "--json"])
        #expect(independent.status == 0, "\(independent.stderr)")
        let theirs = try JSONSerialization.jsonObject(with: Data(independent.stdout.utf8)) as! [String: Any]
        let ours = try JSONSerialization.jsonObject(with: Data(try attest.run(["head", store, "--json"]).stdout.utf8)) as! [String: Any]
        #expect(theirs["merkleRoot"] as? String == ours["merkleRoot"] as? String)
        #expect(theirs["chainHash"] as? String == ours["chainHash"] as? String)
        #expect(theirs["records"] as? Int == ours["sequence"] as? Int)
    }

    @Test func aStaleReportIsRefusedUntilRebuilt() throws {
        try attest.run(["init", store])
        let generated = try attest.run(["generate", "--learners", "4", "--seed", "4"])
        #expect(try attest.run(["append", store, "-", "--quiet"], input: generated.stdout).status == 0)
        let before = try attest.run(["transcript", store, "L000001", "--json"]).stdout
        // Forget the registration of both reports, as a store from before they existed would.
        let environment = try Environment(path: store)
        let registry = try environment.openDatabase("projections")
        try environment.write { try $0.clear(registry) }
        let refused = try attest.run(["transcript", store, "L000001"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the transcripts report has never been built in this store and this is version 8: run `attest rebuild STORE transcripts`"))
        #expect(try attest.run(["transcript", store, "L000001", "--json", "--rebuild"]).stdout == before)
        #expect(try attest.run(["audit", store]).status != 0)
        let rebuilt = try attest.run(["rebuild", store])
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stdout.hasPrefix("rebuilt all reports from"))
        #expect(try attest.run(["audit", store]).status == 0)
    }

    @Test func everyCommandExplainsItselfWithAnExample() throws {
        let commands = [
            "init", "append", "log", "head", "verify", "spec import", "generate", "transcript", "audit", "rebuild",
            "key", "checkpoint", "checkpoints", "export", "prove",
        ]
        for command in commands {
            let help = try attest.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "attest \(command) --help has no example")
            let prose = help.stdout.components(separatedBy: "Example")[0]
            #expect(!prose.split(separator: "\n").contains { $0.hasSuffix("\\") }, "attest \(command) --help shows a backslash at a line's end")
        }
    }

    @Test func commandsOnAMissingStoreFailWithAClearMessage() throws {
        let result = try attest.run(["verify", directory.child("absent")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not an Attest store (create one with `attest init"))
        try attest.run(["init", store])
        let twice = try attest.run(["init", store])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("already holds an Attest store"))
    }
}
