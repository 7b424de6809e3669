/// "Did you mean ...?": the known name closest to a mistyped one.
enum Suggestion {
    /// The candidate nearest to `word` by edit distance, when it is near enough to be a
    /// likely typo (at most 2 edits, or a third of the word for long words). Ties go to the
    /// first candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// The number of single-character insertions, deletions, substitutions and swaps of
    /// neighbors that turn `a` into `b` (optimal string alignment distance): `demi` to
    /// `demo` is 1, `verison` to `version` is 1.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var twoRowsAgo = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoRowsAgo[j - 2] + 1)
                }
            }
            (twoRowsAgo, previous, current) = (previous, current, twoRowsAgo)
        }
        return previous[b.count]
    }
}
