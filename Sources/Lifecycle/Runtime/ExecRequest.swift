/// A command to run inside a running container, as `ContainerRuntime.exec` takes it.
package struct ExecRequest: Sendable, Hashable {
    /// The program and its arguments; the first element is looked up on the container's `PATH`.
    package var argv: [String]
    /// Variables added to the container's environment for this command only.
    package var environment: [String: String]
    /// Output beyond this many bytes is read and discarded; the result says it was truncated.
    package var outputLimit: Int

    package init(argv: [String], environment: [String: String] = [:], outputLimit: Int = 65_536) {
        self.argv = argv
        self.environment = environment
        self.outputLimit = outputLimit
    }
}
