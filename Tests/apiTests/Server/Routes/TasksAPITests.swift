import Foundation
import GRDB
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import Synchronization
import TestSupport
import Testing

@testable import DormouseClient

@Suite("Tasks")
struct TasksAPITests {
    static func agent(_ name: String = "w1", extra: String = "") -> String {
        """
        {"name": "\(name)", "mode": "container", "container": {"image": "busybox"}, "idle_timeout_s": 30\(extra),
         "dispatch": {"type": "exec", "argv": ["worker"]}}
        """
    }

    @Test func dispatchRunsTheTaskAndKeepsItsResult() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.agent())
            let reply = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "hello"}"#)
            #expect(reply.status == .ok)
            let task = reply.json
            #expect(task["status"].string == "succeeded")
            #expect(task["output"].string == "hello")
            #expect(task["exit_code"].int == 0)
            #expect(task["cold_start"] == .bool(true))
            #expect(task["wake_ms"].double != nil)
            #expect(task["started_at"].int != nil && task["finished_at"].int != nil)
            let id = try #require(task["id"].string)
            #expect(reply.headers[.location] == "/tasks/\(id)")
            #expect(try await client.get("/tasks/\(id)").json == task)

            let second = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": {"b": [1, 2], "a": true}}"#)
            #expect(second.json["output"].string == #"{"b":[1,2],"a":true}"#)
            #expect(second.json["cold_start"] == .bool(false))
            let list = try await client.get("/agents/w1/tasks").json["tasks"].array
            #expect(list.map { $0["id"] } == [second.json["id"], task["id"]])
            let page = try await client.get("/agents/w1/tasks?before=\(second.json["id"].string ?? "")&limit=5")
            #expect(page.json["tasks"].array.map { $0["id"] } == [task["id"]])
        }
    }

    @Test func withoutWaitTheTaskIsAccepted() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.agent())
            let accepted = try await client.post("/agents/w1/tasks", #"{"payload": 1}"#)
            #expect(accepted.status == .accepted)
            let id = try #require(accepted.json["id"].string)
            // Tasks run in order, so once a later one finished the first has too.
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 2}"#)
            #expect(try await client.get("/tasks/\(id)").json["status"].string == "succeeded")
        }
    }

    @Test func errorsOfTheTaskRoutes() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.agent())
            #expect(try await client.post("/agents/nobody/tasks", #"{"payload": 1}"#).status == .notFound)
            #expect(try await client.get("/tasks/nope").status == .notFound)
            #expect(try await client.get("/agents/nobody/tasks").status == .notFound)
            #expect(try await client.post("/agents/w1/tasks", #"{"payload": 1, "x": 2}"#).status == .badRequest)
            #expect(try await client.post("/agents/w1/tasks", #"{}"#).status == .unprocessableContent)
            #expect(try await client.post("/agents/w1/tasks", "[1").status == .badRequest)
            #expect(try await client.get("/agents/w1/tasks?limit=0").status == .badRequest)
            #expect(try await client.get("/agents/w1/tasks?status=done").status == .badRequest)
            #expect(try await client.post("/agents/w1/tasks?wait=maybe", #"{"payload": 1}"#).status == .badRequest)
            let big = String(repeating: "x", count: WorkerDelivery.environmentPayloadLimit + 1)
            let tooBig = try await client.post("/agents/w1/tasks", #"{"payload": "\#(big)"}"#)
            #expect(tooBig.status == .unprocessableContent)
            #expect(tooBig.json["errors"][0]["field"].string == "payload")
        }
    }

    @Test func aFullQueueIs429WithRetryAfter() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let gate = runtime.holdStarts()
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent(extra: #", "max_queue": 1"#))
            // The first takes the free slot at once: it is written as running in its insert, not queued first.
            let first = try await client.post("/agents/w1/tasks", #"{"payload": 1}"#)
            #expect(first.status == .accepted)
            #expect(first.json["status"].string == "running")
            #expect(first.json["started_at"].int == first.json["created_at"].int)
            await gate.waitForWaiters(1)
            let stored = try await client.get("/tasks/\(first.json["id"].string ?? "")").json
            #expect(stored["status"].string == "running" && stored["started_at"].int != nil, "\(stored)")
            let queued = try await client.post("/agents/w1/tasks", #"{"payload": 2}"#)
            #expect(queued.status == .accepted)
            #expect(queued.json["status"].string == "queued")
            let full = try await client.post("/agents/w1/tasks", #"{"payload": 3}"#)
            #expect(full.status == .tooManyRequests)
            #expect(full.headers[.retryAfter] != nil)
            #expect(full.json["type"].string == "urn:dormouse:problem:queue-full")
            #expect(try await client.get("/agents/w1").json["state"]["queued"].int == 1)
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.count == 2)
            gate.open()
        }
    }

    @Test func anUnreachableEngineIs503WithRetryAfter() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        runtime.stopEngine()
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent())
            let reply = try await client.post("/agents/w1/tasks", #"{"payload": 1}"#)
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.headers[.retryAfter] == "5")
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.isEmpty)
        }
    }

    @Test func aSlowWorkerTimesOut() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        runtime.setExecHandler { _, _ in
            try await Task.sleep(for: .seconds(3_600))
            return ExecResult(exitCode: 0, output: "", outputTruncated: false)
        }
        let app = TestApp(runtime: runtime)
        try await app.run { client in
            try await client.post(
                "/agents",
                #"{"name":"slow","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"],"timeout_s":7}}"#
            )
            async let reply = client.post("/agents/slow/tasks?wait=true", #"{"payload": 1}"#)
            let deadline = app.clock.now.advanced(by: .seconds(7))
            await app.clock.waitForSleeper(until: deadline)
            app.clock.advance(by: .seconds(7))
            let task = try await reply.json
            #expect(task["status"].string == "timed_out")
            #expect(task["error"].string?.contains("7 s") == true)
        }
    }

    @Test func hostCommandsGetThePayloadOnStdinAndInTheEnvironment() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let agent = """
                {"name":"local","mode":"host","dispatch":{"type":"command",
                 "argv":["sh","-c","cat; echo; echo \\"$DORMOUSE_AGENT $DORMOUSE_PAYLOAD\\"; exit 3"]}}
                """
            #expect(try await client.post("/agents", agent).status == .created)
            let task = try await client.post("/agents/local/tasks?wait=true", #"{"payload": "p"}"#).json
            #expect(task["status"].string == "failed")
            #expect(task["exit_code"].int == 3)
            #expect(task["output"].string == "p\nlocal p\n")
            #expect(task["cold_start"] == .null)
            #expect(task["error"].string == "the worker exited with code 3")
        }
    }

    @Test func fiftyConcurrentDispatchesToAStoppedAgentStartItOnce() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let gate = runtime.holdStarts()
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent(extra: #", "max_concurrency": 64"#))
            try await withThrowingTaskGroup(of: APIClient.Reply.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await client.postConcurrently("/agents/w1/tasks?wait=true", #"{"payload": \#(index)}"#)
                    }
                }
                await gate.waitForWaiters(1)
                gate.open()
                var cold = 0
                for try await reply in group {
                    #expect(reply.json["status"].string == "succeeded")
                    if reply.json["cold_start"] == .bool(true) { cold += 1 }
                }
                // Those that arrived while the start was held waited for it; later ones found it running.
                #expect(cold >= 1)
            }
            #expect(runtime.startCount == 1)
            let counters = try await client.get("/agents/w1").json["state"]["lifecycle_metrics"]["counters"]
            #expect(counters["lazy_start"].int == 1)
        }
    }

    @Test func tasksARestartInterruptedAreFailedOnBoot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("dormouse.sqlite").path
        let database = try DormouseDatabase.open(path: path)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tasks (id, agent_id, agent, status, payload_json, created_at, started_at)
                    VALUES ('t-old', 1, 'w1', 'running', '1', 1, 2)
                    """)
        }
        try database.close()
        try await TestApp(databasePath: path).run { client in
            let task = try await client.get("/tasks/t-old").json
            #expect(task["status"].string == "failed")
            #expect(task["error"].string?.contains("restarted") == true)
            #expect(task["finished_at"].int != nil)
        }
    }

    @Test func shutdownRecordsARunningTaskAsInterrupted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let running = Gate()
        runtime.setExecHandler { _, _ in
            running.open()
            try await Task.sleep(for: .seconds(3_600))
            return ExecResult(exitCode: 0, output: "", outputTruncated: false)
        }
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        let id = Mutex<String?>(nil)
        try await app.run { client in
            try await client.post("/agents", Self.agent())
            let task = try await client.post("/agents/w1/tasks", #"{"payload": 1}"#)
            id.withLock { $0 = task.json["id"].string }
            await running.wait()
        }
        let taskID = try #require(id.withLock { $0 })
        try await TestApp(runtime: runtime, databasePath: app.databasePath).run { client in
            let task = try await client.get("/tasks/\(taskID)").json
            #expect(task["status"].string == "failed")
            #expect(task["error"].string == "interrupted: Dormouse shut down while the task ran")
        }
    }
}
