/// How a lifecycle controller takes part in the host-wide memory budget for paused workers: the budget its paused
/// worker is counted against, and how it stops another instance the budget evicts (its owner finds that
/// instance's controller and asks it to stop with the `memory_budget` trigger).
package struct WarmBudgetLink<Instant: InstantProtocol>: Sendable {
    package let budget: WarmMemoryBudget<Instant>
    package let evict: @Sendable (String) async -> Void

    package init(budget: WarmMemoryBudget<Instant>, evict: @escaping @Sendable (String) async -> Void) {
        self.budget = budget
        self.evict = evict
    }
}
