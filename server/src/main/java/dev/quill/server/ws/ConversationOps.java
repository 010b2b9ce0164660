package dev.quill.server.ws;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.ChatRequest;
import dev.quill.server.store.ConversationExport;
import dev.quill.server.store.ConversationSearch;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.ConversationSummary;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The WebSocket's conversation operations, beside chatting: {@code delete}, {@code rename},
 * {@code switch} (to another version of a message), {@code search} and {@code export}; and the
 * checks of {@code edit} and {@code regenerate}, which {@link ChatSocket} streams as chats. Each
 * is scoped to the socket's API key: another key's conversation is {@code not_found}, exactly as
 * a missing one is. Replies keep the order of the requests (one store call at a time per socket).
 *
 * <p>Confined to the socket's event loop, like the socket.
 */
final class ConversationOps {

    /** What a message id may be: the server's own ({@code turn:m0}, {@code turn:a2}), bounded. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final ConversationStore store;
    private final String owner;
    private final SocketWriter writer;
    private final int maxFrameBytes;

    /** @param maxFrameBytes largest reply (an export's); a larger one is refused with the HTTP route to use */
    ConversationOps(ConversationStore store, String owner, SocketWriter writer, int maxFrameBytes) {
        this.store = store;
        this.owner = owner;
        this.writer = writer;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Handles one of the operations; false for a type that is none of them. */
    boolean handle(String type, String id, JsonObject msg) {
        switch (type) {
            case "delete" -> {
                String conversation = conversation(msg);
                String client = ChatSocket.clientId(msg);
                reply(id, conversation, store.delete(conversation, owner)
                        .compose(v -> client == null ? Future.succeededFuture()
                                : store.forget(ConversationStore.clientListId(owner, client), conversation))
                        .map(v -> frame("deleted", id).put("conversation", conversation)));
            }
            case "rename" -> {
                String conversation = conversation(msg);
                String title = title(msg);
                String client = ChatSocket.clientId(msg);
                reply(id, conversation, store.rename(conversation, owner, title)
                        .compose(v -> client == null ? Future.succeededFuture()
                                : store.retitle(ConversationStore.clientListId(owner, client), conversation, title))
                        .map(v -> frame("renamed", id).put("conversation", conversation).put("title", title)));
            }
            case "switch" -> {
                String conversation = conversation(msg);
                String message = messageId(msg, true);
                reply(id, conversation, store.switchTo(conversation, owner, message).map(found -> {
                    if (!found) {
                        throw new ApiException(ApiError.invalid("the conversation holds no message '" + message + "'", "message"));
                    }
                    return frame("switched", id).put("conversation", conversation).put("message", message);
                }));
            }
            case "search" -> search(id, msg);
            case "export" -> export(id, msg);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The turn of an {@code edit} (a new version of the user message {@code message}) or a
     * {@code regenerate} (a new version of the answer {@code message}, by default the last one);
     * a plain chat's turn as it is. Both need a {@code conversation}.
     */
    static ChatRequest.Turn versionOf(String type, JsonObject msg, ChatRequest.Turn turn) {
        if (!type.equals("edit") && !type.equals("regenerate")) {
            return turn;
        }
        if (!(msg.getValue("conversation") instanceof String)) {
            throw new ApiException(ApiError.invalid(type + " needs the conversation id", "conversation"));
        }
        return turn.replacing(messageId(msg, type.equals("edit")));
    }

    private void search(String id, JsonObject msg) {
        String client = ChatSocket.clientId(msg);
        if (client == null) {
            throw new ApiException(ApiError.invalid("search needs a client id: it searches that client's list", "client"));
        }
        if (!(msg.getValue("query") instanceof String query) || query.isBlank()
                || query.length() > ConversationSearch.MAX_QUERY_LENGTH) {
            throw new ApiException(ApiError.invalid("query must be a string of 1 to " + ConversationSearch.MAX_QUERY_LENGTH
                    + " characters", "query"));
        }
        String q = query.strip();
        reply(id, null, store.search(ConversationStore.clientListId(owner, client), owner, q).map(hits -> {
            JsonArray items = new JsonArray();
            for (ConversationSearch.Hit h : hits) {
                items.add(new JsonObject().put("id", h.id()).put("title", h.title()).put("updated", h.updatedMillis())
                        .put("snippet", h.snippet()));
            }
            return frame("search", id).put("query", q).put("items", items);
        }));
    }

    private void export(String id, JsonObject msg) {
        String conversation = conversation(msg);
        ConversationExport.Format format = ConversationExport.Format.named(
                msg.getValue("format") instanceof String f ? f : null);
        if (format == null) {
            throw new ApiException(ApiError.invalid("format must be md or json", "format"));
        }
        reply(id, conversation, store.owned(conversation, owner).map(c -> {
            JsonObject reply = frame("export", id).put("conversation", conversation).put("format", format.extension)
                    .put("filename", ConversationExport.fileName(conversation, format))
                    .put("content", ConversationExport.write(conversation, c, format));
            if (SocketWriter.utf8Length(reply.encode()) > maxFrameBytes) {
                throw new ApiException(new ApiError(413, "invalid_request_error", "payload_too_large",
                        "the export is larger than a WebSocket frame may be; GET /v1/conversations/" + conversation
                                + "/export?format=" + format.extension + " has it whole", "conversation"));
            }
            return reply;
        }));
    }

    /** Sends what the operation makes, or its typed error (naming the conversation on not_found, as history does). */
    private void reply(String id, String conversation, Future<JsonObject> op) {
        writer.hold(); // one store call at a time per socket, replies in request order
        op.onComplete(ar -> {
            try {
                if (ar.succeeded()) {
                    writer.send(ar.result());
                    return;
                }
                ApiError e = ChatErrors.of(ar.cause());
                JsonObject error = frame("error", id).put("code", e.code()).put("message", e.message());
                if (e.code().equals("not_found") && conversation != null && ConversationStore.wellFormedId(conversation)) {
                    error.put("conversation", conversation);
                }
                writer.send(error);
            } finally {
                writer.release();
            }
        });
    }

    private static JsonObject frame(String type, String id) {
        return new JsonObject().put("type", type).put("id", id);
    }

    private static String conversation(JsonObject msg) {
        if (!(msg.getValue("conversation") instanceof String conversation) || conversation.length() > 200) {
            throw new ApiException(ApiError.invalid("conversation must be a conversation id", "conversation"));
        }
        return conversation;
    }

    /** A renamed title: one line, 1 to {@value ConversationSummary#MAX_RENAMED_TITLE_LENGTH} characters; longer is refused, not cut. */
    private static String title(JsonObject msg) {
        String title = ConversationSummary.renamed(msg.getValue("title") instanceof String t ? t : null);
        if (title == null) {
            throw new ApiException(ApiError.invalid("title must be 1 to " + ConversationSummary.MAX_RENAMED_TITLE_LENGTH
                    + " characters on one line", "title"));
        }
        return title;
    }

    private static String messageId(JsonObject msg, boolean required) {
        Object v = msg.getValue("message");
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || !MESSAGE_ID.matcher(s).matches()) {
            throw new ApiException(ApiError.invalid("message must be the id of a message of the conversation", "message"));
        }
        return s;
    }
}
