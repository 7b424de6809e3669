import ExportGateway
import Foundation

/// How one vendor words the faults that carry its own shapes: its error bodies, and the
/// fields of its answers a fault removes or changes. Each vendor simulator hands one to its
/// ``SimulatorHost``; every other fault looks the same for every vendor.
public struct VendorFaultShapes: Sendable {
    /// A refusal the vendor words itself.
    public enum Refusal: Sendable, Hashable {
        /// Too many requests. The body may name the wait; the host adds `Retry-After`.
        case rateLimited(retryAfterSeconds: Int)
        /// An internal error (500).
        case serverError
        /// The key is refused (401).
        case unauthorized
        /// The request's fields are refused, each with its message (400).
        case fieldErrors
    }

    /// A change to one of the vendor's own answers.
    public enum Edit: Sendable, Hashable {
        /// Removes the list a listing answer carries.
        case removeListField
        /// Replaces every export status word the answer reports.
        case statusWord(String)
    }

    /// The vendor's answer for a refusal.
    public let refusal: @Sendable (Refusal) -> HTTPResponse
    /// The vendor's answer to a request, edited; `nil` when it carries nothing the edit
    /// changes (the fault then waits for another answer).
    public let edit: @Sendable (Edit, SimulatedRequest, HTTPResponse) -> HTTPResponse?

    /// Creates the shapes from the vendor's refusals and its edits.
    public init(
        refusal: @escaping @Sendable (Refusal) -> HTTPResponse,
        edit: @escaping @Sendable (Edit, SimulatedRequest, HTTPResponse) -> HTTPResponse?
    ) {
        self.refusal = refusal
        self.edit = edit
    }
}
