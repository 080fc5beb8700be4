/// How a command run by `ContainerRuntime.exec` ended, and what it wrote.
public struct ExecResult: Sendable, Hashable {
    /// The command's exit code; 126 when the engine could not start it (no such program, for example).
    public var exitCode: Int
    /// stdout and stderr interleaved as the engine sent them, decoded as UTF-8 (invalid bytes replaced), cut at a
    /// character boundary at the limit.
    public var output: String
    /// The command wrote more than `ExecRequest.outputLimit` bytes; the rest was read and discarded.
    public var outputTruncated: Bool

    public init(exitCode: Int, output: String, outputTruncated: Bool) {
        self.exitCode = exitCode
        self.output = output
        self.outputTruncated = outputTruncated
    }
}
