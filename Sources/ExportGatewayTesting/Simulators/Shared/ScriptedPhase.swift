/// Where a scripted export stands on one status read, before any vendor names it: the one
/// reading of ``ExportScript`` every simulator shares. Each vendor's ``ScriptedWords`` turn
/// a phase into its status word; what else a phase means (task counts, a result file, an
/// error message) stays with the vendor.
enum ScriptedPhase: Equatable {
    /// The first read of an export that takes more than two reads to finish.
    case queued
    /// Running: read `read` of an export that finishes on read `finishesOn` (`nil`: never).
    case running(read: Int, finishesOn: Int?)
    /// Finished with a result.
    case completed
    /// Finished without one, for `reason`.
    case failed(reason: String)
    /// Stopped before finishing.
    case canceled
    /// Never finishes, and every read reports this word (one an adapter may not know).
    case reporting(String)

    /// The phase `script` has reached on status read `read` (1 = the first) for a vendor with
    /// `words`: a vendor without a canceled state fails a canceled script (reason
    /// "canceled"), and one with a ``ScriptedWords/hanging`` word never queues a script that
    /// never finishes.
    init(_ script: ExportScript, read: Int, words: ScriptedWords) {
        func unfinished(finishesOn: Int?) -> ScriptedPhase {
            read == 1 && (finishesOn ?? .max) > 2 ? .queued : .running(read: read, finishesOn: finishesOn)
        }
        switch script {
        case .completes(let reads):
            self = read >= reads ? .completed : unfinished(finishesOn: reads)
        case .fails(let reads, let reason):
            self = read >= reads ? .failed(reason: reason) : unfinished(finishesOn: reads)
        case .cancels(let reads) where read >= reads:
            self = words.canceled == nil ? .failed(reason: "canceled") : .canceled
        case .cancels(let reads):
            self = unfinished(finishesOn: reads)
        case .hangs(let word?):
            self = .reporting(word)
        case .hangs(nil):
            self = words.hanging == nil ? unfinished(finishesOn: nil) : .running(read: read, finishesOn: nil)
        }
    }

    /// The vendor's word for this phase.
    func word(in words: ScriptedWords) -> String {
        switch self {
        case .queued: words.queued ?? words.running
        case .running(_, finishesOn: nil): words.hanging ?? words.running
        case .running: words.running
        case .completed: words.completed
        case .failed: words.failed
        case .canceled: words.canceled ?? words.failed
        case .reporting(let word): word
        }
    }
}

/// One vendor's status words for the phases of a scripted export (``ScriptedPhase``).
struct ScriptedWords: Sendable {
    /// Said on the first read of an export that takes more than two reads; `nil` when the
    /// vendor says ``running`` from the start.
    var queued: String?
    /// Said while an export runs.
    var running: String
    /// Said once it finished with a result.
    var completed: String
    /// Said once it finished without one.
    var failed: String
    /// Said once it was canceled; `nil` when the vendor has no canceled state.
    var canceled: String?
    /// Said on every read of an export that never finishes; `nil` when such an export is
    /// queued and then running like one that takes long.
    var hanging: String?

    /// Whether `word` is one no later read changes.
    func isFinished(_ word: String) -> Bool {
        word == completed || word == failed || word == canceled
    }
}

/// A simulated export's script and the status reads that have moved it along it.
struct ScriptedRun: Sendable {
    /// How the export behaves.
    let script: ExportScript
    /// Status reads so far.
    private(set) var reads = 0

    /// The run of a new export: the next of `scripts` the test queued, or else completing on
    /// read `polls`.
    init(next scripts: inout [ExportScript], orCompletingAfter polls: Int) {
        script = scripts.isEmpty ? .completes(afterPolls: polls) : scripts.removeFirst()
    }

    /// One more status read: the phase the export reaches, for a vendor with `words`.
    mutating func read(in words: ScriptedWords) -> ScriptedPhase {
        reads += 1
        return ScriptedPhase(script, read: reads, words: words)
    }
}
