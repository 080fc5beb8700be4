import TestSupport
import Testing

@testable import Lifecycle

@Suite("KubernetesDeploymentMonitor's watch against the fake API server", .timeLimit(.minutes(1)))
struct KubernetesWatchTests {
    @Test func aScaleToZeroBySomeoneElseReachesTheObserver() async throws {
        try await KubernetesHarness.with(replicas: 1) { harness in
            let observer = RecordingObserver()
            let worker = try await harness.resolve()
            harness.backend.observe(observer, ids: [worker.id])
            try await harness.fake.waitForWatches(1)
            harness.fake.scale("worker", namespace: "agents", to: 0)
            try await observer.waitUntil { actions, _ in actions == [.exited] }
            harness.fake.scale("worker", namespace: "agents", to: 1)
            try await observer.waitUntil { actions, _ in actions == [.exited, .started] }
            harness.fake.delete("worker", namespace: "agents")
            try await observer.waitUntil { actions, _ in actions == [.exited, .started, .removed] }
            harness.backend.stopObserving()
        }
    }

    @Test func theWatchResumesFromTheLastResourceVersionWhenTheServerEndsIt() async throws {
        try await KubernetesHarness.with { harness in
            let observer = RecordingObserver()
            harness.backend.observe(observer, ids: [])
            try await harness.fake.waitForWatches(1)
            harness.fake.scale("worker", namespace: "agents", to: 1)
            let seen = try #require(try await harness.watched { $0?.replicas == 1 })
            // A change the ended watch did not carry is replayed by the resumed one.
            harness.fake.endWatches { fake in fake.markReady("worker", namespace: "agents") }
            try await harness.fake.waitForWatches(2)
            let resumed = try #require(harness.fake.requests.filter(\.isWatch).last)
            #expect(resumed.query["resourceVersion"] == seen.resourceVersion)
            #expect(resumed.query["allowWatchBookmarks"] == "true")
            try await harness.watched { $0?.isReady == true }
            #expect(harness.monitor.listCount(of: harness.ref) == 1)
            #expect(observer.actions == [.started] && observer.reconnections == 0)
        }
    }

    @Test func aBookmarkMovesWhereTheWatchResumes() async throws {
        try await KubernetesHarness.with { harness in
            harness.monitor.follow(harness.ref)
            try await harness.fake.waitForWatches(1)
            harness.fake.writeElsewhere(count: 5)
            let bookmarked = harness.fake.revision
            harness.fake.sendBookmark()
            // Compacted past the last Deployment event: only the bookmark's version is still watchable.
            harness.fake.endWatches { fake in fake.compact() }
            try await harness.fake.waitForWatches(2)
            let resumed = try #require(harness.fake.requests.filter(\.isWatch).last)
            #expect(resumed.query["resourceVersion"] == "\(bookmarked)")
            #expect(resumed.status == 200)
            #expect(harness.monitor.listCount(of: harness.ref) == 1)
        }
    }

    @Test func aGoneResourceVersionIsListedAgainAndTheMissedScaleReported() async throws {
        try await KubernetesHarness.with { harness in
            let observer = RecordingObserver()
            harness.backend.observe(observer, ids: [])
            try await harness.fake.waitForWatches(1)
            harness.fake.endWatches { fake in
                fake.scale("worker", namespace: "agents", to: 1)
                fake.compact()
            }
            // The resume from the old version gets an ERROR event with a 410 Status; the monitor lists again and
            // the scale it missed reaches the observer, with a reconnection so the controller re-reads.
            try await observer.waitUntil { actions, reconnections in actions == [.started] && reconnections == 1 }
            #expect(harness.monitor.listCount(of: harness.ref) == 2)
            let watches = harness.fake.requests.filter(\.isWatch)
            #expect(watches.count >= 2)
            let lists = harness.fake.requests.filter { !$0.isWatch && $0.query["fieldSelector"] != nil }
            #expect(lists.count == 2)
            #expect(lists.allSatisfy { $0.query["fieldSelector"] == "metadata.name=worker" })
            // And it watches on from the new list's version.
            try await harness.fake.waitForWatches(3)
            harness.fake.markReady("worker", namespace: "agents")
            try await harness.watched { $0?.isReady == true }
        }
    }
}
