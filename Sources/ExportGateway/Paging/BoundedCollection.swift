/// Collects an async sequence into an array with an upper bound, for the sequences'
/// `collect(upTo:)`: a list larger than the caller expected fails at once instead of
/// growing without limit.
enum BoundedCollection {
    static func collect<Elements: AsyncSequence>(
        _ elements: Elements, upTo limit: Int, noun: String
    ) async throws -> [Elements.Element] {
        guard limit >= 0 else {
            throw GatewayError.invalidRequest(
                "collect(upTo: \(limit)) needs a bound of 0 or more.", fieldErrors: ["limit": ["must be 0 or more"]])
        }
        var all: [Elements.Element] = []
        for try await element in elements {
            guard all.count < limit else {
                throw GatewayError(
                    .limitExceeded,
                    message:
                        "There are more than \(limit) \(noun). Raise the bound, or iterate with for-await to handle them one at a time."
                )
            }
            all.append(element)
        }
        return all
    }
}
