import ExportGateway
import Foundation

extension LabelboxSimulator {
    /// The task status words for a scripted export's phases (`CANCELLING` is never
    /// reached: cancel is immediate).
    static let scriptedWords = ScriptedWords(
        running: "IN_PROGRESS", completed: "COMPLETE", failed: "FAILED", canceled: "CANCELED")

    /// One export task and where its script has taken it.
    struct TaskRecord: Sendable {
        var id: String
        var owner: Int
        var name: String
        /// The project or dataset whose running-export limit the task counts against.
        var scope: Int?
        var createdAt: Date
        var updatedAt: Date
        var run: ScriptedRun
        var status = "IN_PROGRESS"
        var errors: String?
        var result: LabelboxStream
        var errorStream: LabelboxStream

        var isRunning: Bool { !LabelboxSimulator.scriptedWords.isFinished(status) }

        func stream(_ type: String) -> LabelboxStream { type == "ERRORS" ? errorStream : result }
    }

    /// Creates a task owned by `caller`, refusing it when a running-export limit is reached;
    /// the caller holds the lock.
    func makeTask(
        in state: inout State, caller: User, name: String, scope: Int?, result: LabelboxStream, errorSource: Source?
    ) throws(GraphQLError) -> TaskRecord {
        let running = state.tasks.filter(\.isRunning)
        if let scope, running.filter({ $0.scope == scope }).count >= runningExportLimitPerSource {
            throw GraphQLError(
                code: "OPERATION_NOT_ALLOWED",
                message: "Too many running exports: at most \(runningExportLimitPerSource) per project or dataset.")
        }
        if running.count >= runningExportLimitPerOrganization {
            throw GraphQLError(
                code: "OPERATION_NOT_ALLOWED",
                message: "Too many running exports: at most \(runningExportLimitPerOrganization) per organization.")
        }
        let errorCount = state.errorCounts.isEmpty ? 0 : state.errorCounts.removeFirst()
        var errorParts: [LabelboxStream.Part] = []
        if let errorSource, errorCount > 0 {
            errorParts = [
                LabelboxStream.Part(
                    content: .errors(errorSource), ranges: [0..<errorCount], residues: [true, true, true, true])
            ]
        }
        let now = host.time.advance(by: 1)
        let task = TaskRecord(
            id: LabelboxID.make(.task, source: 0, index: state.tasks.count + 1), owner: caller.number, name: name,
            scope: scope, createdAt: now, updatedAt: now,
            run: ScriptedRun(next: &state.scripts, orCompletingAfter: pollsToComplete),
            result: result,
            errorStream: LabelboxStream(parts: errorParts, boundary: chunkBoundary, chunkSize: chunkSize))
        state.tasks.append(task)
        return task
    }

    /// One read of a task by id: moves it along its script. Terminal states never change.
    func advance(_ task: inout TaskRecord) {
        guard task.isRunning else { return }
        let before = task.status
        let phase = task.run.read(in: Self.scriptedWords)
        task.status = phase.word(in: Self.scriptedWords)
        if case .failed(let reason) = phase { task.errors = reason }
        if task.status != before { task.updatedAt = host.time.advance(by: 1) }
    }

    /// Every field of the Task type (the SDK indexes each one it selects).
    func json(of task: TaskRecord) -> [String: JSONValue] {
        let percentage: Double
        switch task.status {
        case "COMPLETE": percentage = 100
        case "IN_PROGRESS":
            if case .completes(let polls) = task.run.script, polls > 0 {
                percentage = min(99, Double(task.run.reads) * 100 / Double(polls))
            } else {
                percentage = 0
            }
        default: percentage = 0
        }
        return [
            "id": .string(task.id), "name": .string(task.name), "status": .string(task.status),
            "type": "export-data-rows", "result": .null, "errors": task.errors.map(JSONValue.string) ?? .null,
            "metadata": .null, "completionPercentage": .double(percentage),
            "createdAt": .string(Self.timestamp(task.createdAt)), "updatedAt": .string(Self.timestamp(task.updatedAt)),
        ]
    }

    /// `2024-01-01T00:00:00.000Z`, the API's timestamp format.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = Int(floor(Double(milliseconds) / 1000))
        let line = LabelboxRows.timestamp(seconds)  // "…T…:…:….000+00:00"
        return String(line.prefix(19)) + "." + LabelboxRows.pad(milliseconds - seconds * 1000, 3) + "Z"
    }
}
