import Synchronization

/// Token buckets per tenant for `requests_per_minute` quotas, each sized by the tenant's
/// current quota (a changed quota applies from the next request).
final class TenantRateLimiter: Sendable {
    private let limiters = Mutex<[String: RateLimiter]>([:])

    /// Takes a token for `tenantId`; the whole seconds to wait when none is left.
    func take(for tenantId: String, perMinute: Int) -> Int? {
        let limiter = limiters.withLock { limiters in
            if let limiter = limiters[tenantId], limiter.perMinute == perMinute { return limiter }
            let limiter = RateLimiter(perMinute: perMinute)
            limiters[tenantId] = limiter
            return limiter
        }
        return limiter.take(for: tenantId)
    }
}
