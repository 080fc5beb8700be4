/// How a command run by `ContainerRuntime.exec` ended, and what it wrote.
package struct ExecResult: Sendable, Hashable {
    /// The command's exit code; 126 when the engine could not start it (no such program, for example).
    package var exitCode: Int
    /// stdout and stderr interleaved as the engine sent them, decoded as UTF-8 (invalid bytes replaced), cut at a
    /// character boundary at the limit.
    package var output: String
    /// The command wrote more than `ExecRequest.outputLimit` bytes; the rest was read and discarded.
    package var outputTruncated: Bool

    package init(exitCode: Int, output: String, outputTruncated: Bool) {
        self.exitCode = exitCode
        self.output = output
        self.outputTruncated = outputTruncated
    }
}
