import Foundation

/// What ``Gateway/downloadAnnotations(of:as:to:classes:progress:)`` wrote.
public struct AnnotationDownload: Sendable, Hashable {
    /// The folder holding the dataset.
    public var destination: URL
    /// Images and annotations written, and what the format could not hold.
    public var summary: AnnotationWriteSummary
    /// Whether the vendor's own files were copied as they were (the vendor made this format
    /// in the gateway's layout, and every file read cleanly) rather than converted.
    public var passedThrough: Bool

    /// Creates a result.
    public init(destination: URL, summary: AnnotationWriteSummary, passedThrough: Bool) {
        self.destination = destination
        self.summary = summary
        self.passedThrough = passedThrough
    }
}

/// How far an annotation download has come.
public enum AnnotationProgress: Sendable {
    /// The vendor's file is downloading.
    case downloading(DownloadProgress)
    /// Images are being read and written: how many so far.
    case writing(items: Int, annotations: Int)
}
