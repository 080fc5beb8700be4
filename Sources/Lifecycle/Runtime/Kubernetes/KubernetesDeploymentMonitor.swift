import AsyncHTTPClient
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the Deployments of one cluster's agents, one watch each: lists the Deployment (for the resource
/// version to start from), then watches it with bookmarks, resuming from the last version seen when the server
/// ends the stream, and listing afresh when that version is gone (410). It keeps each Deployment's latest state,
/// which a wake awaits (`wait(for:until:)`: ready is what the watch shows, never a poll), and reports scales to the
/// backend attached to it. A watch starts when a backend first follows its Deployment and runs until shutdown.
package final class KubernetesDeploymentMonitor: Service, Sendable {
    package let api: KubernetesAPI
    let clock: any Clock<Duration>
    let logger: Logger
    let maximumBackoff: Duration
    /// Shut the API's HTTP client down when `run` ends.
    let ownsClient: Bool
    let state = Mutex(State())
    private let follows:
        (stream: AsyncStream<KubernetesDeploymentRef>, continuation: AsyncStream<KubernetesDeploymentRef>.Continuation) =
            AsyncStream.makeStream()

    package init(
        api: KubernetesAPI, clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
        maximumBackoff: Duration = .seconds(5), ownsClient: Bool = false
    ) {
        self.ownsClient = ownsClient
        self.api = api
        self.clock = clock
        self.logger = logger
        self.maximumBackoff = maximumBackoff
    }

    /// Starts watching `ref` unless it is watched already.
    package func follow(_ ref: KubernetesDeploymentRef) {
        let isNew = state.withLock { state in state.followed.insert(ref).inserted }
        if isNew { follows.continuation.yield(ref) }
    }

    /// Routes `ref`'s scales to `observer` (and follows it), replacing an earlier observer of it.
    func attach(_ observer: any KubernetesDeploymentObserver, to ref: KubernetesDeploymentRef) {
        state.withLock { $0.entries[ref, default: Entry()].observer = WeakDeploymentObserver(value: observer) }
        follow(ref)
    }

    func detach(from ref: KubernetesDeploymentRef) {
        state.withLock { $0.entries[ref]?.observer = nil }
    }

    /// The Deployment's state as the watch last showed it: nil before its first list, `.some(nil)` when it does
    /// not exist.
    package func snapshot(of ref: KubernetesDeploymentRef) -> KubernetesDeploymentSnapshot?? {
        state.withLock { state in
            guard let entry = state.entries[ref], entry.isListed else { return nil }
            return .some(entry.snapshot)
        }
    }

    /// How many waits (`wait(for:until:)`) for the Deployment are pending.
    package func waiterCount(of ref: KubernetesDeploymentRef) -> Int {
        state.withLock { $0.entries[ref]?.waiters.count ?? 0 }
    }

    /// How many times the Deployment was listed (the first time, and after each 410 Gone).
    package func listCount(of ref: KubernetesDeploymentRef) -> Int {
        state.withLock { $0.entries[ref]?.lists ?? 0 }
    }

    package func run() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await ref in self.follows.stream {
                    group.addTask { await self.watchLoop(ref) }
                }
            }
        }
        if ownsClient { try? await api.client.shutdown() }
    }

    /// Lists, then watches and resumes, until cancelled; a failure is retried with backoff on `clock`.
    private func watchLoop(_ ref: KubernetesDeploymentRef) async {
        var resourceVersion: String?
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                if resourceVersion == nil {
                    let listed = try await api.list(ref)
                    await apply(listed.deployment, to: ref, listed: true).publish()
                    resourceVersion = listed.resourceVersion
                }
                let events = try await api.watch(ref, from: resourceVersion ?? "")
                backoff = .milliseconds(100)
                for try await event in events {
                    switch event {
                    case .added(let deployment), .modified(let deployment):
                        resourceVersion = deployment.resourceVersion
                        await apply(deployment, to: ref, listed: false).publish()
                    case .deleted(let deployment):
                        resourceVersion = deployment.resourceVersion
                        await apply(nil, to: ref, listed: false).publish()
                    case .bookmark(let version):
                        resourceVersion = version
                    case .error(let code, _, let message) where code == 410:
                        logger.info(
                            "deployment watch expired; listing it again",
                            metadata: ["deployment": "\(ref)", "error": "\(message)"])
                        resourceVersion = nil
                    case .error(let code, _, let message):
                        throw ContainerRuntimeError.engine(status: code ?? 500, message: message)
                    }
                    if resourceVersion == nil { break }
                }
            } catch let error as ContainerRuntimeError where error.status == 410 {
                resourceVersion = nil
            } catch {
                if Task.isCancelled { return }
                logger.warning("deployment watch failed", metadata: ["deployment": "\(ref)", "error": "\(error)"])
                do { try await clock.sleep(for: backoff) } catch { return }
                backoff = min(backoff * 2, maximumBackoff)
            }
        }
    }
}
