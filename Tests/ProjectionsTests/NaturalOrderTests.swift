import Foundation
@testable import Projections
import Testing

@Suite struct NaturalOrderTests {
    static let references = [
        "assessor-10", "assessor-2", "assessor-1", "assessor-02", "a", "B", "a01", "a1b", "a01c", "A/506/2130", "A/61/1",
        "L000010", "L9", "x", "x-1", "x1", "x.1", "iqa-3", "2", "10", "007", "Z", "_", "a0b", "a00b", "", "9a", "10a",
    ]

    @Test func itOrdersAsNumericComparisonDoes() {
        for a in Self.references {
            for b in Self.references {
                #expect(a.naturallyPrecedes(b) == (a.compare(b, options: .numeric) == .orderedAscending), "\(a) before \(b)")
            }
        }
    }

    @Test func numbersGoByTheirValue() {
        #expect(["assessor-10", "assessor-2", "assessor-1"].naturallySorted() == ["assessor-1", "assessor-2", "assessor-10"])
    }
}
