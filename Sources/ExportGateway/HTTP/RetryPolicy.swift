import Foundation

/// When and how long the core waits before sending a failed request again.
///
/// Retried: 408, 429, 5xx and transport failures. Requests are retried only when
/// repeating them is safe: idempotent methods, or a POST the adapter declared safe
/// because it carries an idempotency key the vendor honors. The delay is the vendor's
/// `Retry-After` when it sends one (seconds or HTTP-date), else exponential backoff with
/// jitter, capped.
public struct RetryPolicy: Sendable, Hashable {
    /// How many times a request is sent at most, the first time included.
    public var maxAttempts: Int
    /// The first backoff delay.
    public var initialDelay: Duration
    /// The longest backoff delay, and the longest `Retry-After` the core waits out; a longer
    /// one is not retried but thrown as ``GatewayError/Kind/rateLimited`` with its ``GatewayError/retryAfter``.
    public var maxDelay: Duration
    /// Multiplies the delay after each attempt.
    public var multiplier: Double
    /// Fraction of each delay that is randomized (0 = none), so clients do not retry in step.
    public var jitter: Double

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60),
        multiplier: Double = 2, jitter: Double = 0.2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The default: four attempts, 0.5 s doubling up to 60 s, 20 % jitter.
    public static let standard = RetryPolicy()
    /// Never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether a response with `status` is worth retrying.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || (500...599).contains(status)
    }

    /// The backoff before attempt `attempt + 1` (attempt counts from 1), without `Retry-After`.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        let base = initialDelay * pow(multiplier, Double(max(0, attempt - 1)))
        let capped = min(base, maxDelay)
        guard jitter > 0 else { return capped }
        return capped * (1 - jitter * Double.random(in: 0...1))
    }

    /// The delay before the next attempt: `Retry-After` when given (capped; the client does
    /// not retry past `maxDelay`), else backoff.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxDelay) }
        return backoff(afterAttempt: attempt)
    }
}

/// Reads an HTTP `Retry-After` value: delta-seconds or an HTTP-date (RFC 9110 section 10.2.3).
public enum RetryAfter {
    /// The delay the value asks for, measured from `now` for dates; `nil` when unreadable.
    public static func parse(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        for format in httpDateFormats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let seconds = max(0, date.timeIntervalSince(now))
                return .milliseconds(Int64((seconds * 1000).rounded()))
            }
        }
        return nil
    }

    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate, the one servers must send
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // obsolete RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // obsolete asctime
    ]
}
