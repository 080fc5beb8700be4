import Foundation
import Lifecycle

/// The value rules of an agent; every broken rule is reported, not only the first.
extension AgentDefinition {
    /// Agent names: lowercase letters, digits, `_`, `.`, `-`, starting with a letter or digit, ≤ 63 chars.
    package static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, isLowerAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy {
            isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// Docker container names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
    static func isValidContainerName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count >= 2, name.utf8.count <= 128, isAlphanumeric(first)
        else { return false }
        return name.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// The field errors of this definition; empty when it is valid.
    package func validationErrors() -> [RegistryError.FieldError] {
        var errors: [RegistryError.FieldError] = []
        func check(_ ok: Bool, _ field: String, _ message: String) {
            if !ok { errors.append(.init(field: field, message: message)) }
        }
        check(Self.isValidName(name), "name", "must match ^[a-z0-9][a-z0-9_.-]{0,62}$")
        check((1...604_800).contains(idleTimeoutSeconds), "idle_timeout_s", "must be between 1 and 604800")
        check((1...3_600).contains(startTimeoutSeconds), "start_timeout_s", "must be between 1 and 3600")
        check((1...64).contains(maxConcurrency), "max_concurrency", "must be between 1 and 64")
        check((0...10_000).contains(maxQueue), "max_queue", "must be between 0 and 10000")
        if let engine { check(Self.isValidName(engine), "engine", "must match ^[a-z0-9][a-z0-9_.-]{0,62}$") }
        errors += pauseErrors()
        errors += keepWarmErrors()
        switch mode {
        case .container where kubernetes != nil: errors += kubernetesErrors()
        case .container: errors += swarm == nil ? containerErrors() : swarmErrors()
        case .host:
            check(container == nil, "container", "host-mode agents have no container")
            check(swarm == nil, "swarm", "host-mode agents have no Swarm service")
            check(kubernetes == nil, "kubernetes", "host-mode agents have no Kubernetes Deployment")
            check(engine == nil, "engine", "host-mode agents run on the Dormouse host, not on an engine")
            check(lifecycle == nil, "lifecycle", "host-mode agents have no container lifecycle")
        }
        errors += dispatchErrors()
        return errors
    }

    /// Throws `RegistryError` (`.invalid`) listing every broken rule.
    package func validate() throws {
        let errors = validationErrors()
        if !errors.isEmpty { throw RegistryError.invalid(errors) }
    }

    private func containerErrors() -> [RegistryError.FieldError] {
        guard let container else { return [.init(field: "container", message: "container-mode agents need one")] }
        var errors: [RegistryError.FieldError] = []
        if container.name == nil && container.image == nil {
            errors.append(.init(field: "container", message: "needs the name of an existing container or an image"))
        }
        if let name = container.name, !Self.isValidContainerName(name) {
            errors.append(.init(field: "container.name", message: "must match [a-zA-Z0-9][a-zA-Z0-9_.-]+"))
        }
        if let image = container.image, !ImageReference.isValid(image) {
            errors.append(
                .init(
                    field: "container.image",
                    message:
                        "must be a Docker image reference: [registry/]lowercase/path[:tag][@sha256:<64 hex>],"
                        + " for example busybox:1.36"))
        }
        if container.image == nil && (container.command != nil || container.env != nil) {
            errors.append(
                .init(field: "container", message: "command and env need an image (they apply when creating)"))
        }
        for key in (container.env ?? [:]).keys where key.isEmpty || key.contains("=") {
            errors.append(.init(field: "container.env", message: "\"\(key)\" is not a variable name"))
        }
        return errors
    }

    /// `pause_after_s`: a whole number of seconds before the stop, on a worker that idles and can be frozen.
    private func pauseErrors() -> [RegistryError.FieldError] {
        guard let pauseAfterSeconds else { return [] }
        let message: String? =
            if mode == .host {
                "host-mode agents have no container to pause"
            } else if swarm != nil {
                "Swarm services cannot be paused; they are stopped (scaled to zero) at idle_timeout_s instead"
            } else if kubernetes != nil {
                "Kubernetes Deployments cannot be paused; they are stopped (scaled to zero) at idle_timeout_s instead"
            } else if lifecycle == .hot {
                "hot workers are never put to sleep, so never paused; only lazy agents take it"
            } else if pauseAfterSeconds < 1 {
                "must be at least 1"
            } else if pauseAfterSeconds >= idleTimeoutSeconds {
                "must be less than idle_timeout_s (\(idleTimeoutSeconds)): the worker is paused first, stopped later"
            } else {
                nil
            }
        return message.map { [.init(field: "pause_after_s", message: $0)] } ?? []
    }

    /// `keep_warm` and `keep_warm_time_zone`: windows that parse, in a zone the system knows, on a worker that idles.
    private func keepWarmErrors() -> [RegistryError.FieldError] {
        guard let keepWarm else {
            guard keepWarmTimeZone != nil else { return [] }
            return [.init(field: "keep_warm_time_zone", message: "needs keep_warm (the windows it is the zone of)")]
        }
        if mode == .host { return [.init(field: "keep_warm", message: "host-mode agents have no container to keep")] }
        if lifecycle == .hot {
            return [.init(field: "keep_warm", message: "hot workers are never put to sleep; only lazy agents take it")]
        }
        var zone = TimeZone.current
        if let name = keepWarmTimeZone {
            guard let known = TimeZone(identifier: name) else {
                return [
                    .init(
                        field: "keep_warm_time_zone",
                        message: "\"\(name)\" is not a time zone this system knows (an IANA name, e.g. Europe/Berlin)")
                ]
            }
            zone = known
        }
        guard keepWarm.count <= 64 else { return [.init(field: "keep_warm", message: "at most 64 windows")] }
        do {
            _ = try KeepWarmSchedule(keepWarm, timeZone: zone)
            return []
        } catch {
            return [.init(field: "keep_warm", message: error.description)]
        }
    }

    /// A Kubernetes agent: the block alone (no container, swarm or engine), reached over http.
    private func kubernetesErrors() -> [RegistryError.FieldError] {
        guard let kubernetes else { return [] }
        var errors = kubernetes.validationErrors()
        if container != nil || swarm != nil {
            errors.append(
                .init(field: "kubernetes", message: "an agent has one of container, swarm or kubernetes, not two"))
        }
        if engine != nil {
            errors.append(
                .init(
                    field: "engine",
                    message: "a Kubernetes agent runs on the cluster of DORMOUSE_KUBERNETES, not on an engine"))
        }
        if case .exec = dispatch {
            errors.append(
                .init(
                    field: "dispatch.type",
                    message: "Kubernetes agents take http (to their Service); exec into a pod is not supported"))
        }
        return errors
    }

    private func swarmErrors() -> [RegistryError.FieldError] {
        guard let swarm else { return [] }
        var errors: [RegistryError.FieldError] = []
        if container != nil {
            errors.append(.init(field: "swarm", message: "an agent has a container or a swarm block, not both"))
        }
        switch (swarm.service, swarm.image) {
        case (nil, nil):
            errors.append(.init(field: "swarm", message: "needs the name of an existing service or an image"))
        case (.some, .some):
            errors.append(.init(field: "swarm", message: "names an existing service or an image, not both"))
        default: break
        }
        if let service = swarm.service, !Self.isValidServiceName(service) {
            errors.append(.init(field: "swarm.service", message: "must match [a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}"))
        }
        if let image = swarm.image, !ImageReference.isValid(image) {
            errors.append(
                .init(
                    field: "swarm.image",
                    message: "must be a Docker image reference: [registry/]lowercase/path[:tag][@sha256:<64 hex>]"))
        }
        if swarm.image == nil && (swarm.command != nil || swarm.env != nil) {
            errors.append(.init(field: "swarm", message: "command and env need an image (they apply when creating)"))
        }
        for key in (swarm.env ?? [:]).keys where key.isEmpty || key.contains("=") {
            errors.append(.init(field: "swarm.env", message: "\"\(key)\" is not a variable name"))
        }
        return errors
    }

    /// Swarm service names: `[a-zA-Z0-9][a-zA-Z0-9_.-]`, at most 63 characters.
    static func isValidServiceName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, isAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    private func dispatchErrors() -> [RegistryError.FieldError] {
        var errors: [RegistryError.FieldError] = []
        if !(1...86_400).contains(dispatch.timeoutSeconds) {
            errors.append(.init(field: "dispatch.timeout_s", message: "must be between 1 and 86400"))
        }
        switch (mode, dispatch) {
        case (.container, .exec(let argv, _)), (.host, .command(let argv, _)):
            if argv.isEmpty { errors.append(.init(field: "dispatch.argv", message: "must not be empty")) }
        case (.container, .http(let port, let path, _)):
            if !(1...65_535).contains(port) {
                errors.append(.init(field: "dispatch.port", message: "must be between 1 and 65535"))
            }
            if !path.hasPrefix("/") { errors.append(.init(field: "dispatch.path", message: "must start with /")) }
        case (.container, .command):
            errors.append(.init(field: "dispatch.type", message: "container-mode agents take exec or http"))
        case (.host, _):
            errors.append(.init(field: "dispatch.type", message: "host-mode agents take command"))
        }
        return errors
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
