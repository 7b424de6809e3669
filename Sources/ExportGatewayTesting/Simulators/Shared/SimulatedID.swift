/// Deterministic, lowercase, hyphenated UUID strings that encode (namespace, index), so a
/// simulator can answer for millions of seeded rows without storing one of them.
enum SimulatedID {
    /// `nnnnnnnn-0000-4000-8000-iiiiiiiiiiii`: namespace in the first group, index in the last.
    static func uuid(namespace: UInt32, index: Int) -> String {
        hex(UInt64(namespace), width: 8) + "-0000-4000-8000-" + hex(UInt64(index), width: 12)
    }

    /// The (namespace, index) a ``uuid(namespace:index:)`` string encodes, or `nil`.
    static func parse(_ text: String) -> (namespace: UInt32, index: Int)? {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 5, groups[0].count == 8, groups[1] == "0000", groups[2] == "4000", groups[3] == "8000",
            groups[4].count == 12,
            let namespace = UInt32(groups[0], radix: 16), let index = Int(groups[4], radix: 16)
        else { return nil }
        return (namespace, index)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
