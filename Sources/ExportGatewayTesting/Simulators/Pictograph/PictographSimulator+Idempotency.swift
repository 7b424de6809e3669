import ExportGateway
import Foundation

extension PictographSimulator {
    /// A POST's stored answer, replayed for a repeat of its `Idempotency-Key`.
    struct StoredResponse {
        var fingerprint: String
        var expiresAt: Date
        /// `nil` while the first request is still being handled.
        var response: HTTPResponse?
    }

    struct IdempotencyKey: Hashable {
        var apiKey: String
        var key: String
    }

    /// Runs `handle` once per `(API key, Idempotency-Key)` within ``idempotencyWindow`` and
    /// replays its status and body, byte for byte, for every repeat. A repeat with another
    /// path or body is refused with 422; one that arrives while the first is still being
    /// handled gets 409. 5xx answers are not stored, so a retry runs again.
    func idempotent(
        _ request: SimulatedRequest, caller: Caller, idempotencyKey: String, handle: () -> HTTPResponse
    ) -> HTTPResponse {
        enum Found { case fresh, replay(HTTPResponse), mismatch, busy }
        let id = IdempotencyKey(apiKey: caller.key, key: idempotencyKey)
        let body =
            request.json.map { String(decoding: $0.serialized(), as: UTF8.self) } ?? request.body.base64EncodedString()
        let fingerprint = request.rawPath + "\n" + body
        let found: Found = state.withLock { state in
            let now = host.time.now
            state.idempotency = state.idempotency.filter { $0.value.expiresAt > now }
            guard let stored = state.idempotency[id] else {
                state.idempotency[id] = StoredResponse(
                    fingerprint: fingerprint, expiresAt: now.addingTimeInterval(idempotencyWindow), response: nil)
                return .fresh
            }
            guard stored.fingerprint == fingerprint else { return .mismatch }
            return stored.response.map(Found.replay) ?? .busy
        }
        switch found {
        case .replay(var response):
            response.headers["Idempotent-Replayed"] = "true"
            return response
        case .mismatch:
            return Self.validation([
                Self.fieldError(
                    ["header", "Idempotency-Key"],
                    "Idempotency-Key was already used with a different request", "idempotency_key_reused")
            ])
        case .busy:
            return Self.error(409, "conflict", "A request with this Idempotency-Key is still being processed.")
        case .fresh:
            let response = handle()
            state.withLock { state in
                if response.status >= 500 {
                    state.idempotency[id] = nil
                } else {
                    state.idempotency[id]?.response = response
                }
            }
            return response
        }
    }
}
