/// Natural order, as `compare(_:options: .numeric)` gives it (`assessor-2` before
/// `assessor-10`): runs of digits by their value, everything else by its UTF-8 bytes.
/// Worked out on the bytes, since reports sort thousands of references.
extension String {
    /// Whether this string comes before `other` in natural order.
    public func naturallyPrecedes(_ other: String) -> Bool {
        Self.naturalOrder(utf8, other.utf8) < 0
    }

    /// -1, 0 or 1 as `a` comes before, with or after `b`.
    private static func naturalOrder(_ a: UTF8View, _ b: UTF8View) -> Int {
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex, j < b.endIndex {
            guard a[i].isDigit, b[j].isDigit else {
                if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
                a.formIndex(after: &i)
                b.formIndex(after: &j)
                continue
            }
            // Two numbers: without their leading zeros, the longer is the greater, and
            // of two as long the first digit that differs decides.
            let x = a.number(from: i), y = b.number(from: j)
            let lengths = (a.distance(from: x.lowerBound, to: x.upperBound), b.distance(from: y.lowerBound, to: y.upperBound))
            if lengths.0 != lengths.1 { return lengths.0 < lengths.1 ? -1 : 1 }
            for (p, q) in zip(a[x], b[y]) where p != q { return p < q ? -1 : 1 }
            (i, j) = (x.upperBound, y.upperBound)
        }
        return i < a.endIndex ? 1 : j < b.endIndex ? -1 : 0
    }
}

extension String.UTF8View {
    /// The digits of the number starting at `start`, without its leading zeros.
    fileprivate func number(from start: Index) -> Range<Index> {
        var first = start
        while first < endIndex, self[first] == UInt8(ascii: "0") { formIndex(after: &first) }
        var end = first
        while end < endIndex, self[end].isDigit { formIndex(after: &end) }
        return first..<end
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}

extension Sequence {
    /// The elements in the natural order of the string `key` gives for each.
    public func naturallySorted(by key: (Element) -> String) -> [Element] {
        sorted { key($0).naturallyPrecedes(key($1)) }
    }
}

extension Sequence<String> {
    /// The strings in natural order.
    public func naturallySorted() -> [String] { naturallySorted { $0 } }
}

extension [String] {
    /// Whether the list comes before `other` in natural order, field by field.
    public func naturallyPrecedes(_ other: [String]) -> Bool {
        for (a, b) in zip(self, other) where a != b { return a.naturallyPrecedes(b) }
        return count < other.count
    }
}
