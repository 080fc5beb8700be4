#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`): every connection, database file and engine socket
/// takes one descriptor.
package struct FileDescriptorLimit: Sendable, Equatable {
    package var soft: Int
    package var hard: Int

    /// The limit now, or `nil` if it cannot be read.
    package static func current() -> FileDescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return FileDescriptorLimit(soft: clamped(limit.rlim_cur), hard: clamped(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one (the most an unprivileged process may), and returns the limit in
    /// force afterwards; an error names the `errno` when the kernel refuses.
    package static func raiseSoftToHard() throws -> FileDescriptorLimit {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { throw FileDescriptorLimitError(errno: errno) }
        var target = limit.rlim_max
        #if canImport(Darwin)
            target = min(target, rlim_t(OPEN_MAX))
        #else
            // "Unlimited" is not a value the kernel takes for open files; its own ceiling (nr_open) is 2^20 by default.
            if target == rlim_t.max { target = 1 << 20 }
        #endif
        if limit.rlim_cur < target {
            var raised = limit
            raised.rlim_cur = target
            guard setrlimit(resource, &raised) == 0 else { throw FileDescriptorLimitError(errno: errno) }
        }
        return current() ?? FileDescriptorLimit(soft: clamped(limit.rlim_cur), hard: clamped(limit.rlim_max))
    }

    private static func clamped(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }

    #if os(Linux)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}

/// The kernel refused to read or raise the open-file limit.
struct FileDescriptorLimitError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "the open-file limit could not be raised (errno \(errno))" }
}
