import ExportGateway
import Foundation

/// One named behavior every provider must show, as a function of a provider under test.
public struct ConformanceCheck: Sendable, CustomStringConvertible {
    /// A name that states the behavior, such as `unknownExportIsNotFound`.
    public let name: String
    /// What the provider must be able to do for the check to apply; without it the check is
    /// skipped and never runs.
    public let requirement: ConformanceRequirement?
    /// The check itself; throws ``ConformanceFailure`` when the behavior is missing and
    /// ``ConformanceSkip`` when it cannot apply live.
    let body: @Sendable (ConformanceEnvironment) async throws -> Void

    /// Creates a check that runs wherever `requirement` (if any) is met.
    public init(
        _ name: String, requires requirement: ConformanceRequirement? = nil,
        body: @escaping @Sendable (ConformanceEnvironment) async throws -> Void
    ) {
        self.name = name
        self.requirement = requirement
        self.body = body
    }

    public var description: String { name }
}

/// A check found the provider misbehaving.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// What was expected and what happened.
    public var message: String
    /// Creates a failure.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One check against one target, runnable from any test framework.
///
/// ```swift
/// @Test(arguments: ConformanceCase.all(for: [.simulator { AvalaSimulator() }]))
/// func conformance(_ check: ConformanceCase) async throws { try await check.run() }
/// ```
public struct ConformanceCase: Sendable, CustomStringConvertible {
    /// The provider and mode.
    public let target: ConformanceTarget
    /// The behavior checked.
    public let check: ConformanceCheck

    public var description: String { "\(check.name) [\(target)]" }

    /// Every check of ``ConformanceSuite/checks`` against every target.
    public static func all(for targets: [ConformanceTarget]) -> [ConformanceCase] {
        targets.flatMap { target in ConformanceSuite.checks.map { ConformanceCase(target: target, check: $0) } }
    }

    /// The skip this case takes without running, because the target lacks what the check
    /// requires; `nil` when the check runs.
    public var unmetRequirement: ConformanceSkip? { check.requirement?.skip(for: target) }

    /// Runs the check. Returns the skip reason when it did not apply (and prints it),
    /// `nil` when it passed; throws when it failed. The environment is torn down (a
    /// loopback server stopped) before it returns, whatever the outcome.
    ///
    /// Against a simulator (in-process or over loopback) the only skip is an
    /// ``unmetRequirement``: a check that skips there for any other reason fails, since it
    /// would silently test nothing.
    @discardableResult
    public func run() async throws -> ConformanceSkip? {
        if let skip = unmetRequirement { return report(skip) }
        let environment: ConformanceEnvironment
        switch try target.makeEnvironment() {
        case .success(let made): environment = made
        case .failure(let skip): return try reportUnplanned(skip)
        }
        let outcome: Result<Void, any Error>
        do {
            try await check.body(environment)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await environment.teardown()
        switch outcome {
        case .success: return nil
        case .failure(let skip as ConformanceSkip): return try reportUnplanned(skip)
        case .failure(let error): throw error
        }
    }

    /// A skip decided while setting up or running the check: a reason live (no key, no
    /// dataset, writes not allowed), a failure against a simulator, which has everything.
    private func reportUnplanned(_ skip: ConformanceSkip) throws -> ConformanceSkip {
        guard target.mode == .live else {
            throw ConformanceFailure(
                "against a simulator a check may skip only for a missing capability; it skipped: \(skip.reason)")
        }
        return report(skip)
    }

    private func report(_ skip: ConformanceSkip) -> ConformanceSkip {
        print("SKIP \(self): \(skip.reason)")
        return skip
    }
}

/// Assertion helpers for checks: each throws a ``ConformanceFailure`` that says what was
/// expected.
enum Expect {
    static func that(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(message()) }
    }

    /// Runs `body`, expecting a ``GatewayError`` whose kind passes `matches`.
    static func gatewayError<T>(
        _ expected: String, _ body: () async throws -> T, matches: (GatewayError.Kind) -> Bool
    ) async throws -> GatewayError {
        do {
            let value = try await body()
            throw ConformanceFailure("expected \(expected), got a result: \(value)")
        } catch let error as GatewayError {
            guard matches(error.kind) else { throw ConformanceFailure("expected \(expected), got \(error)") }
            return error
        }
    }
}
