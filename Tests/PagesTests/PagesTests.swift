import AttestKit
import AttestTesting
import Foundation
import Testing

@testable import Pages
@testable import Projections

/// The pages rendered from known figures: what a browser is given, before any server.
@Suite struct PagesTests {
    let renderer = PageRenderer()

    @Test func everyTemplateParsesAndTheLayoutFramesAPage() {
        let html = renderer.html(Page(title: "Sign in", chrome: nil, template: "sign-in", body: SignInView(staffID: "a<1", next: "/learners")))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"<html lang="en">"#))
        #expect(html.contains("<title>Sign in · Attest</title>"))
        #expect(html.contains(#"value="a&lt;1""#), "values are escaped")
        #expect(html.contains(#"name="next" value="/learners""#))
        #expect(!html.contains("Sign out"), "no bar before signing in")
        #expect(!html.contains("{{"), "every tag is rendered")
    }

    @Test func theBarListsTheSectionsGivenAndMarksTheCurrentOne() {
        let chrome = Chrome(staffID: "i1", roles: ["internal_quality_assurer"], csrf: "token-1", sections: [.dashboard, .learners, .audit], current: .learners)
        let html = renderer.html(Page(title: "Learners", chrome: chrome, template: "problem", body: ProblemView(status: 403, detail: "not yours")))
        #expect(html.contains(#"<a href="/learners" aria-current="page">Learners</a>"#))
        #expect(html.contains(#"<a href="/audit">Audit</a>"#))
        #expect(!html.contains("/checkpoints"))
        #expect(html.contains(#"<input type="hidden" name="csrf" value="token-1">"#))
        #expect(html.contains("internal quality assurer"))
    }

    /// A learner whose figures are known: the criteria map colours each criterion by its status.
    @Test func theCriteriaMapColoursEachCriterionByItsStatus() throws {
        let transcript = try Self.transcript()
        let view = LearnerView(transcript: transcript, events: [], proofs: false)
        let cells = Dictionary(uniqueKeysWithValues: view.map.flatMap(\.cells).map { ($0.id, $0.state) })
        #expect(cells == ["1.1": "met", "1.2": "rpl", "2.1": "not_yet_met", "2.2": "not_assessed"])
        let html = renderer.html(Page(title: "Learner L1", chrome: nil, template: "learner", body: view))
        #expect(html.contains(#"<td class="c met" title="1.1: met (assessed by a1)">1.1"#))
        #expect(html.contains(#"<td class="c rpl" title="1.2: credited by RPL">"#))
        #expect(html.contains(#"<td class="c not_yet_met" title="2.1: not yet met">"#))
        #expect(html.contains(#"<td class="c not_assessed" title="2.2: not assessed">"#))
        #expect(html.contains("<li>unit 2 is not yet achieved</li>"))
    }

    @Test func theTimelineLinksToInclusionProofsOnlyForThoseWhoReadThem() throws {
        let transcript = try Self.transcript()
        let event = RecordedEvent(event: .evidenceSubmitted(.with {
            $0.evidenceID = "EV-1"; $0.learnerID = "L1"; $0.unit = "1"; $0.method = .observation; $0.criteria = ["1.1"]; $0.witness = PersonalFields.closed
        }), sequence: 42, actor: "a1", occurredAtMicros: 1_737_363_600_000_000)
        let reader = renderer.html(Page(title: "L1", chrome: nil, template: "learner", body: LearnerView(transcript: transcript, events: [event], proofs: true)))
        #expect(reader.contains(#"<a href="/v1/proofs/inclusion?sequence=42">42</a>"#))
        #expect(reader.contains("<td>EV-1</td><td>1</td><td>observation</td><td>1.1</td><td>(erased)</td><td>2025-01-20 09:00</td>"))
        let other = renderer.html(Page(title: "L1", chrome: nil, template: "learner", body: LearnerView(transcript: transcript, events: [event], proofs: false)))
        #expect(!other.contains("/v1/proofs/inclusion"))
    }

    @Test func theAuditListsGapsFirstAndEverythingInNaturalOrder() {
        let audit = Audit(
            assessors: ["assessor-10", "assessor-2", "assessor-1"].map {
                .init(id: $0, decisions: 4, learners: 1, units: [], methods: [], sampled: $0 == "assessor-2" ? 0 : 1,
                      sampleRate: $0 == "assessor-2" ? 0 : 0.25, agreed: 1, disagreed: 0, lastStandardisation: nil)
            },
            iqas: [], units: [.init(unit: "10", decisions: 1, sampled: 0), .init(unit: "9", decisions: 1, sampled: 1)], methods: [],
            gaps: .init(assessorsNeverSampled: ["assessor-2"], unitsNeverSampled: ["10"], methodsNeverSampled: [],
                        assessorsNotStandardised: ["assessor-10", "assessor-2", "assessor-1"], learnersAchievedWithoutSummativeSample: [],
                        competenceWithoutPerformanceEvidence: []))
        let html = renderer.html(Page(title: "Audit", chrome: nil, template: "audit", body: AuditView(audit: audit, months: 12, on: "2026-12-04")))
        let gaps = try! #require(html.range(of: "id=\"gaps\""))
        let assessors = try! #require(html.range(of: "<h2>Assessors</h2>"))
        #expect(gaps.lowerBound < assessors.lowerBound, "gaps come first")
        #expect(html.contains("<p>assessor-1, assessor-2, assessor-10</p>"))
        let rows = ["<td>assessor-1</td>", "<td>assessor-2</td>", "<td>assessor-10</td>"].map { html.range(of: $0)!.lowerBound }
        #expect(rows == rows.sorted())
        #expect(html.range(of: "<td>9</td>")!.lowerBound < html.range(of: "<td>10</td>")!.lowerBound)
        #expect(!html.contains("methods never sampled ("), "a kind with no gap is left out")
    }

    @Test func aChartHasATextAlternativeAndEscapesItsLabels() {
        let chart = Chart.columns(id: "c", caption: "Achievements <by month>", labelHeading: "Month", valueHeading: "Learners",
                                  [("2025-01", 3), ("2025-02", 0), ("2025-03", 6)])
        #expect(chart.svg.contains(#"role="img" aria-labelledby="c-title c-desc""#))
        #expect(chart.svg.contains("<title id=\"c-title\">Achievements &lt;by month&gt;</title>"))
        #expect(chart.svg.contains("<desc id=\"c-desc\">2025-01: 3; 2025-02: 0; 2025-03: 6</desc>"))
        #expect(chart.svg.contains(#"height="160""#), "the largest value fills the chart")
        #expect(!chart.svg.contains("<script"))
    }

    @Test func theDashboardCountsLearnersByStatusAndAchievementsByMonth() {
        let standings = [
            LearnerStanding(learner: "L1", qualification: "Q", status: "achieved", achievedAt: "2026-11-03T10:00:00Z"),
            LearnerStanding(learner: "L2", qualification: "Q", status: "certificated", achievedAt: "2026-10-03T10:00:00Z"),
            LearnerStanding(learner: "L3", qualification: "R", status: "in_progress", achievedAt: nil),
            LearnerStanding(learner: "L4", qualification: "R", status: "achieved", achievedAt: "2026-11-30T23:00:00Z"),
        ]
        let now = ISO8601DateFormatter().date(from: "2026-12-04T12:00:00Z")!
        let view = DashboardView(standings: standings, scope: "Every learner.", logSize: 9, audit: nil, checkpoints: nil, months: 3, now: now)
        #expect(view.statuses.map(\.count) == [1, 2, 1, 0])
        #expect(view.qualifications.map(\.total) == [2, 2])
        #expect(view.achievements?.points.map(\.value) == ["1", "2", "0"])
        #expect(view.achievements?.points.map(\.label) == ["2026-10", "2026-11", "2026-12"])
        let html = renderer.html(Page(title: "Dashboard", chrome: nil, template: "dashboard", body: view))
        #expect(!html.contains("Latest checkpoint"), "checkpoints only for those who read them")
        #expect(!html.contains("Sampling coverage"))
    }

    @Test func theGridShowsFortyAssessorsAPageAndHighlightsCellsNeverSampled() {
        let assessors = (1...45).map { number in
            SamplingGrid.Assessor(
                id: "assessor-\(number)", status: "qualified", decisions: 10, sampled: number == 3 ? 0 : 1, sampleRate: number == 3 ? 0 : 0.1,
                policyRate: 0.1, belowPolicy: number == 3, neverSampled: number == 3, lastStandardisation: nil, standardisationGap: true,
                cells: [.init(unit: "1", decisions: 10, sampled: number == 3 ? 0 : 1, interim: number == 3 ? 0 : 1, summative: 0, neverSampled: number == 3)])
        }
        let grid = SamplingGrid(on: "2026-12-04T00:00:00Z", policy: .standard, units: ["1", "2"], assessors: assessors)
        let first = GridView(grid: grid)
        #expect(first.rows.count == 40 && first.previous == nil && first.next == "/sampling?assessors=all&page=2")
        #expect(first.rows[2].cells.map(\.kind) == ["never", "empty"])
        #expect(first.rows[0].cells[0].text == "1/10 · I1 S0")
        let second = GridView(grid: grid, rows: .init(page: 2))
        #expect(second.rows.map(\.assessor) == (41...45).map { "assessor-\($0)" } && second.next == nil)
        #expect(second.showing == "Assessors 41 to 45 of 45.")
        let mine = GridView(grid: grid, rows: .init(only: ["assessor-3", "assessor-7"]), mine: true)
        #expect(mine.rows.map(\.assessor) == ["assessor-3", "assessor-7"])
        #expect(mine.scopes.map(\.current) == [true, false])
        let html = renderer.html(Page(title: "Sampling grid", chrome: nil, template: "sampling", body: mine))
        #expect(html.contains(#"<td class="cell never"><a href="/sampling?page=1&amp;assessor=assessor-3&amp;unit=1#cell""#))
        #expect(html.contains(#"<span class="flag">never sampled</span>"#))
    }

    /// A two-unit qualification: 1.1 met, 1.2 credited by RPL, 2.1 not yet met, 2.2 not assessed.
    static func transcript() throws -> Transcript {
        let json = #"""
        {"learner":"L1","qualification":"Q","specificationVersion":1,"status":"in_progress",
         "specification":{"id":"Q","kind":"qualification","title":"A qualification"},
         "shortfalls":["unit 2 is not yet achieved"],"adjustments":[],"samples":[],
         "units":[
          {"unit":"1","group":"A","credits":2,"status":"achieved","criteria":[
            {"id":"1.1","status":"met","metBy":"assessment","evidence":[],"assessor":"a1"},
            {"id":"1.2","status":"met","metBy":"rpl","evidence":[]}]},
          {"unit":"2","group":"A","credits":3,"status":"in_progress","criteria":[
            {"id":"2.1","status":"not_yet_met","evidence":[]},
            {"id":"2.2","status":"not_assessed","evidence":[]}]}]}
        """#
        return try JSONDecoder().decode(Transcript.self, from: Data(json.utf8))
    }
}
