import Foundation

/// The parts of the Engine API's Swarm JSON that Dormouse reads and writes (services are read as raw trees,
/// see `SwarmService`).
enum SwarmEngineModels {
    struct Task: Decodable {
        struct Status: Decodable {
            struct ContainerStatus: Decodable {
                var containerID: String?
                enum CodingKeys: String, CodingKey { case containerID = "ContainerID" }
            }
            var timestamp: String?
            var state: String
            var message: String?
            var err: String?
            var containerStatus: ContainerStatus?
            enum CodingKeys: String, CodingKey {
                case timestamp = "Timestamp"
                case state = "State"
                case message = "Message"
                case err = "Err"
                case containerStatus = "ContainerStatus"
            }
        }
        var id: String
        var serviceID: String
        var slot: Int?
        var nodeID: String?
        var createdAt: String?
        var updatedAt: String?
        var status: Status
        var desiredState: String
        enum CodingKeys: String, CodingKey {
            case id = "ID"
            case serviceID = "ServiceID"
            case slot = "Slot"
            case nodeID = "NodeID"
            case createdAt = "CreatedAt"
            case updatedAt = "UpdatedAt"
            case status = "Status"
            case desiredState = "DesiredState"
        }

        var task: SwarmTask {
            SwarmTask(
                id: id, serviceID: serviceID, slot: slot, state: .init(rawValue: status.state),
                desiredState: .init(rawValue: desiredState),
                containerID: status.containerStatus?.containerID.flatMap { $0.isEmpty ? nil : $0 },
                nodeID: nodeID.flatMap { $0.isEmpty ? nil : $0 }, error: status.err, message: status.message,
                createdAt: createdAt.flatMap(EngineTime.nanoseconds),
                updatedAt: updatedAt.flatMap(EngineTime.nanoseconds),
                stateChangedAt: status.timestamp.flatMap(EngineTime.nanoseconds))
        }
    }

    struct Info: Decodable {
        struct Swarm: Decodable {
            var nodeID: String?
            var localNodeState: String?
            var controlAvailable: Bool?
            var error: String?
            enum CodingKeys: String, CodingKey {
                case nodeID = "NodeID"
                case localNodeState = "LocalNodeState"
                case controlAvailable = "ControlAvailable"
                case error = "Error"
            }
        }
        var swarm: Swarm?
        enum CodingKeys: String, CodingKey { case swarm = "Swarm" }
    }

    struct Created: Decodable {
        var id: String
        enum CodingKeys: String, CodingKey { case id = "ID" }
    }

    /// The body of `POST /services/create` for a service Dormouse creates.
    struct ServiceCreate: Encodable {
        struct TaskTemplate: Encodable {
            struct ContainerSpec: Encodable {
                var image: String
                var args: [String]?
                var env: [String]
                var labels: [String: String]
                var healthcheck: DockerEngineModels.Create.Healthcheck?
                var initProcess: Bool
                enum CodingKeys: String, CodingKey {
                    case image = "Image"
                    case args = "Args"
                    case env = "Env"
                    case labels = "Labels"
                    case healthcheck = "Healthcheck"
                    case initProcess = "Init"
                }
            }
            struct RestartPolicy: Encodable {
                var condition: String
                enum CodingKeys: String, CodingKey { case condition = "Condition" }
            }
            var containerSpec: ContainerSpec
            var restartPolicy: RestartPolicy
            enum CodingKeys: String, CodingKey {
                case containerSpec = "ContainerSpec"
                case restartPolicy = "RestartPolicy"
            }
        }
        struct Mode: Encodable {
            struct Replicated: Encodable {
                var replicas: Int
                enum CodingKeys: String, CodingKey { case replicas = "Replicas" }
            }
            var replicated: Replicated
            enum CodingKeys: String, CodingKey { case replicated = "Replicated" }
        }
        var name: String
        var labels: [String: String]
        var taskTemplate: TaskTemplate
        var mode: Mode
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case labels = "Labels"
            case taskTemplate = "TaskTemplate"
            case mode = "Mode"
        }
    }
}
