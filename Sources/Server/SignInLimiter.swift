import Foundation
import Synchronization

/// Slows guessing: after `limit` failed sign-ins within `window`, an account, or an
/// address, is refused for the rest of the window, right password or not.
final class SignInLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until `keys` may try again, or `nil` when none is held back.
    func wait(for keys: [String], now: Date = Date()) -> Int? {
        failures.withLock { failures in
            let waits = keys.compactMap { key -> TimeInterval? in
                let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
                failures[key] = recent.isEmpty ? nil : recent
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return window - now.timeIntervalSince(oldest)
            }
            return waits.max().map { Int($0.rounded(.up)) }
        }
    }

    /// Notes a failed sign-in for each of `keys`.
    func fail(_ keys: [String], now: Date = Date()) {
        failures.withLock { failures in
            for key in keys { failures[key, default: []].append(now) }
        }
    }
}
