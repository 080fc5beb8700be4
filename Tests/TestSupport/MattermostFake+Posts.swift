import Foundation

/// Posts: create, read, patch, delete and list a channel's (api4/post.go, app/post.go, model/post.go).
extension MattermostFake.State {
    /// `POST /posts` → 201. A `pending_post_id` seen within the window answers the post it created (app/post.go,
    /// `deduplicateCreatePost`); a message longer than the limit in runes answers 400 (model/post.go, `IsValid`).
    mutating func createPost(_ body: MattermostFakeJSON?, at now: Date) -> Reply {
        guard let body = body?.objectValue else {
            return .appError(status: 400, id: "api.context.invalid_param.app_error")
        }
        let channelID = body["channel_id"]?.stringValue ?? ""
        guard let channel = channels[channelID], channel.members.contains(botUserID) else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        let pendingID = body["pending_post_id"]?.stringValue ?? ""
        if !pendingID.isEmpty, let seen = pendingPosts[pendingID], seen.expiresAt > now {
            guard var post = posts[seen.postID], !post.isDeleted else {
                return .appError(status: 500, id: "api.post.deduplicate_create_post.failed_to_get")
            }
            post.creates += 1
            posts[post.id] = post
            return .json(201, Self.json(post))
        }
        let rootID = body["root_id"]?.stringValue ?? ""
        if !rootID.isEmpty {
            guard let root = posts[rootID], root.channelID == channelID, root.rootID.isEmpty, !root.isDeleted else {
                return .appError(status: 400, id: "api.post.create_post.root_id.app_error")
            }
        }
        let message = body["message"]?.stringValue ?? ""
        guard message.unicodeScalars.count <= configuration.messageLimit else {
            return .appError(status: 400, id: "model.post.is_valid.message_length.app_error")
        }
        var props = body["props"]?.objectValue ?? [:]
        if users[botUserID]?.isBot == true { props["from_bot"] = "true" }
        let post = insertPost(
            channelID: channelID, userID: botUserID, rootID: rootID, message: message, props: props,
            pendingPostID: pendingID, at: now)
        if !pendingID.isEmpty {
            pendingPosts[pendingID] = (post.id, now.addingTimeInterval(configuration.pendingPostWindow))
        }
        return .json(201, Self.json(post))
    }

    /// `GET /posts/{id}` → 404 for a missing or deleted post.
    func getPost(_ id: String) -> Reply {
        guard let post = posts[id], !post.isDeleted else { return .appError(status: 404, id: "app.post.get.app_error") }
        return .json(200, Self.json(post))
    }

    /// `DELETE /posts/{id}` (a user deleting the post) → `{"status":"OK"}`; 403 when missing or already deleted.
    mutating func deletePost(_ id: String, at now: Date) -> Reply {
        guard var post = posts[id], !post.isDeleted else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        post.deleteAt = MattermostFake.millis(now)
        post.updateAt = post.deleteAt
        posts[id] = post
        return .json(200, .object(["status": "OK"]))
    }

    /// `PUT /posts/{id}/patch` → 200. A missing or deleted post is 403 (`postPatchChecks` answers a failed lookup
    /// with a permission error); a message past `PostEditTimeLimit` is 400; `props`, when sent, replace the map.
    mutating func patchPost(_ id: String, _ body: MattermostFakeJSON?, at now: Date) -> Reply {
        guard var post = posts[id], !post.isDeleted else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        guard let body = body?.objectValue else {
            return .appError(status: 400, id: "api.context.invalid_param.app_error")
        }
        let message = body["message"]?.stringValue
        if let limit = configuration.editTimeLimit, message != nil,
            MattermostFake.millis(now) > post.createAt + Int64(limit) * 1000
        {
            return .appError(
                status: 400, id: "api.post.update_post.permissions_time_limit.app_error",
                message:
                    "Post edit is only allowed for \(limit) seconds. Please ask your System Administrator for details.")
        }
        if let message {
            guard message.unicodeScalars.count <= configuration.messageLimit else {
                return .appError(status: 400, id: "model.post.is_valid.message_length.app_error")
            }
            if message != post.message {
                post.history.append(post.message)
                post.message = message
                post.editAt = MattermostFake.millis(now)
            }
        }
        if let props = body["props"]?.objectValue { post.props = props }
        post.updateAt = MattermostFake.millis(now)
        post.edits += 1
        posts[id] = post
        return .json(200, Self.json(post))
    }

    /// `GET /channels/{id}/posts?page=&per_page=` (at most 200) → `{order, posts, next_post_id, prev_post_id}`,
    /// newest first; `prev_post_id` is the next older post past the page.
    func channelPosts(_ channelID: String, query: String) -> Reply {
        guard let channel = channels[channelID] else {
            return .appError(status: 404, id: "app.channel.get.existing.app_error")
        }
        guard channel.members.contains(botUserID) else {
            return .appError(status: 403, id: "api.context.permissions.app_error")
        }
        let items = Self.queryItems(query)
        let perPage = min(200, max(0, items["per_page"].flatMap { Int($0) } ?? 60))
        let page = max(0, items["page"].flatMap { Int($0) } ?? 0)
        let all = livePosts(in: channelID)
        let start = min(all.count, page * perPage)
        let slice = all[start..<min(all.count, start + perPage)]
        let older = start + perPage < all.count ? all[start + perPage].id : ""
        return .json(200, Self.postList(Array(slice), extra: ["next_post_id": "", "prev_post_id": .string(older)]))
    }

    static func postList(_ posts: [MattermostFake.Post], extra: [String: MattermostFakeJSON]) -> MattermostFakeJSON {
        var object = extra
        object["order"] = .array(posts.map { .string($0.id) })
        object["posts"] = .object(Dictionary(uniqueKeysWithValues: posts.map { ($0.id, json($0)) }))
        return .object(object)
    }

    static func json(_ post: MattermostFake.Post) -> MattermostFakeJSON {
        .object([
            "id": .string(post.id), "create_at": .int(post.createAt), "update_at": .int(post.updateAt),
            "edit_at": .int(post.editAt), "delete_at": .int(post.deleteAt), "is_pinned": .bool(false),
            "user_id": .string(post.userID), "channel_id": .string(post.channelID), "root_id": .string(post.rootID),
            "original_id": "", "message": .string(post.message), "type": "", "props": .object(post.props),
            "hashtags": "", "file_ids": .array([]), "pending_post_id": .string(post.pendingPostID),
            "reply_count": .int(0), "last_reply_at": .int(0), "participants": .null, "metadata": .object([:]),
        ])
    }
}
