/// The parts of the Engine API's JSON that Dormouse reads and writes.
enum DockerEngineModels {
    struct Version: Decodable {
        struct Named: Decodable {
            var name: String
            enum CodingKeys: String, CodingKey { case name = "Name" }
        }

        var apiVersion: String
        var minAPIVersion: String?
        var version: String?
        /// Podman answers with a component named "Podman Engine"; Docker with "Engine".
        var components: [Named]?
        var platform: Named?

        enum CodingKeys: String, CodingKey {
            case apiVersion = "ApiVersion"
            case minAPIVersion = "MinAPIVersion"
            case version = "Version"
            case components = "Components"
            case platform = "Platform"
        }
    }

    /// `GET /info`: what decides Podman's quirks (`SecurityOptions` has `name=rootless` on a rootless engine).
    struct Info: Decodable {
        var cgroupVersion: String?
        var securityOptions: [String]?
        enum CodingKeys: String, CodingKey {
            case cgroupVersion = "CgroupVersion"
            case securityOptions = "SecurityOptions"
        }
    }

    /// Podman's answer to running a health probe.
    struct HealthcheckRun: Decodable {
        var status: String
        enum CodingKeys: String, CodingKey { case status = "Status" }
    }

    struct ErrorBody: Decodable {
        var message: String
    }

    struct Inspect: Decodable {
        struct State: Decodable {
            struct Health: Decodable {
                var status: String
                enum CodingKeys: String, CodingKey { case status = "Status" }
            }
            var running: Bool
            var paused: Bool?
            var health: Health?
            enum CodingKeys: String, CodingKey {
                case running = "Running"
                case paused = "Paused"
                case health = "Health"
            }
        }
        struct Config: Decodable {
            struct Healthcheck: Decodable {
                var test: [String]?
                enum CodingKeys: String, CodingKey { case test = "Test" }
            }
            var labels: [String: String]?
            var healthcheck: Healthcheck?
            enum CodingKeys: String, CodingKey {
                case labels = "Labels"
                case healthcheck = "Healthcheck"
            }
        }
        struct NetworkSettings: Decodable {
            struct Network: Decodable {
                var ipAddress: String?
                enum CodingKeys: String, CodingKey { case ipAddress = "IPAddress" }
            }
            var ipAddress: String?
            var networks: [String: Network]?
            enum CodingKeys: String, CodingKey {
                case ipAddress = "IPAddress"
                case networks = "Networks"
            }
        }
        var id: String
        var name: String
        var state: State
        var config: Config?
        var networkSettings: NetworkSettings?
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case name = "Name"
            case state = "State"
            case config = "Config"
            case networkSettings = "NetworkSettings"
        }
    }

    struct Create: Encodable {
        struct HostConfig: Encodable {
            struct RestartPolicy: Encodable {
                var name: String
                enum CodingKeys: String, CodingKey { case name = "Name" }
            }
            var initProcess: Bool
            var restartPolicy: RestartPolicy?
            enum CodingKeys: String, CodingKey {
                case initProcess = "Init"
                case restartPolicy = "RestartPolicy"
            }
        }
        struct Healthcheck: Encodable {
            var test: [String]
            var interval: Int64
            var timeout: Int64
            var retries: Int
            enum CodingKeys: String, CodingKey {
                case test = "Test"
                case interval = "Interval"
                case timeout = "Timeout"
                case retries = "Retries"
            }
        }
        var image: String
        var cmd: [String]?
        var env: [String]
        var labels: [String: String]
        var healthcheck: Healthcheck?
        var hostConfig: HostConfig
        enum CodingKeys: String, CodingKey {
            case image = "Image"
            case cmd = "Cmd"
            case env = "Env"
            case labels = "Labels"
            case healthcheck = "Healthcheck"
            case hostConfig = "HostConfig"
        }
    }

    struct Created: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "Id" }
    }

    struct Event: Decodable {
        struct Actor: Decodable {
            var id: String?
            var attributes: [String: String]?
            enum CodingKeys: String, CodingKey {
                case id = "ID"
                case attributes = "Attributes"
            }
        }
        var type: String?
        var action: String?
        var actor: Actor?
        var id: String?
        var timeNano: Int64?
        var time: Int64?
        /// Podman's health status on a `health_status` event (not in the attributes).
        var healthStatus: String?
        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case action = "Action"
            case actor = "Actor"
            case id
            case timeNano
            case time
            case healthStatus = "HealthStatus"
        }
    }

    /// `GET /containers/{id}/stats`: only the memory part. A container that is not running has `memory_stats: {}`.
    struct Stats: Decodable {
        struct MemoryStats: Decodable {
            var usage: UInt64?
            /// The cgroup's `memory.stat` counters (`total_inactive_file` on cgroup v1, `inactive_file` on v2).
            var stats: [String: UInt64]?
        }
        var memoryStats: MemoryStats?
        enum CodingKeys: String, CodingKey { case memoryStats = "memory_stats" }
    }

    struct ExecCreate: Encodable {
        var attachStdin = false
        var attachStdout = true
        var attachStderr = true
        var tty = false
        var cmd: [String]
        var env: [String]
        enum CodingKeys: String, CodingKey {
            case attachStdin = "AttachStdin"
            case attachStdout = "AttachStdout"
            case attachStderr = "AttachStderr"
            case tty = "Tty"
            case cmd = "Cmd"
            case env = "Env"
        }
    }

    struct ExecStart: Encodable {
        var detach = false
        var tty = false
        enum CodingKeys: String, CodingKey {
            case detach = "Detach"
            case tty = "Tty"
        }
    }

    struct ExecInspect: Decodable {
        var running: Bool
        var exitCode: Int?
        /// The exec's process as the engine's host sees it; 0 before it starts.
        var pid: Int32?
        var containerID: String?
        enum CodingKeys: String, CodingKey {
            case running = "Running"
            case exitCode = "ExitCode"
            case pid = "Pid"
            case containerID = "ContainerID"
        }
    }
}
