/// One attempt to bring a post up to date, planned by the relay and carried out off the actor.
struct StatusDelivery: Sendable {
    /// How an attempt ended.
    enum Outcome: Sendable {
        /// The post shows the message; `created` when a new post was made (`replaced` names why the old one
        /// could not be edited), `adopted` when an existing post was found by its marker.
        case delivered(ChatPost, created: Bool, adopted: Bool, replaced: ChatError?)
        case failed(ChatError, channelID: String?)
    }

    let key: String
    let message: ChatMessage
    let destination: ChatDestination
    let channelID: String?
    let postID: String?
    let lookUp: Bool
    let pendingID: String

    func perform(with poster: any ChatPoster) async -> Outcome {
        var channelID = self.channelID
        do throws(ChatError) {
            let channel: String
            if let known = channelID {
                channel = known
            } else {
                channel = try await poster.channelID(for: destination.target)
                channelID = channel
            }
            var postID = self.postID
            var adopted = false
            if postID == nil, lookUp, let found = try await poster.findPost(marker: message.marker, channelID: channel),
                Self.continuable(found)
            {
                postID = found.id
                adopted = true
            }
            var replaced: ChatError?
            if let postID {
                do throws(ChatError) {
                    let post = try await poster.edit(postID: postID, with: message)
                    return .delivered(post, created: false, adopted: adopted, replaced: nil)
                } catch  where error.needsNewPost {
                    replaced = error
                }
            }
            let post = try await poster.create(
                message, channelID: channel, rootID: destination.rootID, pendingID: pendingID)
            return .delivered(post, created: true, adopted: false, replaced: replaced)
        } catch {
            return .failed(error, channelID: channelID)
        }
    }

    /// A found post is continued while its session was still running (or interrupted by a restart); a post
    /// of a finished turn is left alone and the new turn gets a fresh one.
    static func continuable(_ post: ChatPost) -> Bool {
        post.status == nil || post.status == SessionStatus.active.rawValue
            || post.status == SessionStatus.interrupted.rawValue
    }
}
