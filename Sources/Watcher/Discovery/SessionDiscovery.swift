import Foundation

/// Finds sessions on disk: OpenClaw registries and Claude Code project folders, keeping the last good copy
/// of each registry so a half-written file is ignored until the next good read.
package struct SessionDiscovery: Sendable {
    /// Everything one scan found.
    package struct Scan: Sendable {
        package var sessions: [String: SessionDescriptor] = [:]
        /// Directories whose changes should wake the watcher.
        package var directories: [String] = []
        /// Registry files that could not be parsed on this scan (their last good copy was used).
        package var badRegistries: [String] = []
        /// Registry paths that are not regular files (a FIFO, socket, ...): never opened, so never read.
        package var irregularFiles: [String] = []
    }

    /// Size, modification time and inode: when all three match, the registry is not read again.
    private struct Signature: Equatable {
        var size: Int64
        var modified: Int
        var inode: UInt64
    }

    package let openClawRoot: String?
    package let claudeProjectsRoot: String?
    private var registries: [String: (signature: Signature, sessions: [SessionDescriptor])] = [:]

    package init(openClawRoot: String?, claudeProjectsRoot: String?) {
        self.openClawRoot = openClawRoot
        self.claudeProjectsRoot = claudeProjectsRoot
    }

    package mutating func scan() -> Scan {
        var scan = Scan()
        if let openClawRoot { scanOpenClaw(root: openClawRoot, into: &scan) }
        if let claudeProjectsRoot { scanClaudeCode(root: claudeProjectsRoot, into: &scan) }
        return scan
    }

    private mutating func scanOpenClaw(root: String, into scan: inout Scan) {
        guard Self.isDirectory(root) else { return }
        scan.directories.append(root)
        var seen: Set<String> = []
        for agentID in Self.list(root) where Self.isDirectory("\(root)/\(agentID)") {
            let sessionsDirectory = "\(root)/\(agentID)/sessions"
            let registry = "\(sessionsDirectory)/sessions.json"
            scan.directories.append("\(root)/\(agentID)")
            guard Self.isDirectory(sessionsDirectory) else { continue }
            scan.directories.append(sessionsDirectory)
            // A FIFO named sessions.json would block the read below until someone writes to it.
            if TranscriptTail.isIrregular(path: registry) {
                scan.irregularFiles.append(registry)
                continue
            }
            guard let signature = Self.signature(of: registry) else { continue }
            seen.insert(registry)
            if registries[registry]?.signature != signature {
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: registry))
                    let sessions = try OpenClawRegistry.parse(
                        data, agentID: agentID, sessionsDirectory: sessionsDirectory)
                    registries[registry] = (signature, sessions)
                } catch {
                    scan.badRegistries.append(registry)
                }
            }
            for var session in registries[registry]?.sessions ?? [] {
                session.isLocked = FileManager.default.fileExists(atPath: session.transcriptPath + ".lock")
                scan.sessions[session.key] = session
            }
        }
        for registry in registries.keys where !seen.contains(registry) { registries[registry] = nil }
    }

    private func scanClaudeCode(root: String, into scan: inout Scan) {
        guard Self.isDirectory(root) else { return }
        scan.directories.append(root)
        for project in Self.list(root) {
            let projectPath = "\(root)/\(project)"
            guard Self.isDirectory(projectPath) else { continue }
            scan.directories.append(projectPath)
            let agent = project.split(separator: "-").last.map(String.init) ?? project
            for entry in Self.list(projectPath) {
                let path = "\(projectPath)/\(entry)"
                if entry.hasSuffix(".jsonl") {
                    let sessionID = String(entry.dropLast(6))
                    let key = "claude:\(sessionID)"
                    scan.sessions[key] = SessionDescriptor(
                        key: key, format: .claudeCode, agent: agent, label: "\(agent) \(sessionID.prefix(8))",
                        transcriptPath: path)
                } else if Self.isDirectory(path) {
                    scanSubagents(sessionID: entry, directory: path, agent: agent, into: &scan)
                }
            }
        }
    }

    private func scanSubagents(sessionID: String, directory: String, agent: String, into scan: inout Scan) {
        scan.directories.append(directory)
        let subagents = "\(directory)/subagents"
        guard Self.isDirectory(subagents) else { return }
        scan.directories.append(subagents)
        for file in Self.list(subagents) where file.hasPrefix("agent-") && file.hasSuffix(".jsonl") {
            let agentID = String(file.dropFirst(6).dropLast(6))
            let key = "claude:\(sessionID)/agent-\(agentID)"
            scan.sessions[key] = SessionDescriptor(
                key: key, format: .claudeCode, agent: agent, label: "sub-agent \(agentID)",
                transcriptPath: "\(subagents)/\(file)", parentKey: "claude:\(sessionID)", spawnDepth: 1)
        }
    }

    private static func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func signature(of path: String) -> Signature? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Signature(
            size: (attributes[.size] as? NSNumber)?.int64Value ?? -1,
            modified: Int(((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1_000_000),
            inode: (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
    }
}
