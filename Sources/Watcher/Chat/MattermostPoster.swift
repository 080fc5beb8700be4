import AsyncHTTPClient
import Foundation
import Logging

/// Posts status messages to Mattermost over REST v4 (SKELETON: filled in by the Mattermost work).
public struct MattermostPoster: ChatPoster {
    public let maxMessageCharacters = 16000

    /// `baseURL` like `https://chat.example.com`; `token` is a bot or personal access token (never logged).
    public init(baseURL: String, token: String, httpClient: HTTPClient, logger: Logger) {}

    public func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        throw .rejected(status: 501, detail: "not implemented")
    }

    public func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        throw .rejected(status: 501, detail: "not implemented")
    }

    public func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        throw .rejected(status: 501, detail: "not implemented")
    }

    public func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        throw .rejected(status: 501, detail: "not implemented")
    }
}
