package dev.quill.server.ws;

import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.InvalidSamplingParamException;
import dev.quill.model.template.ChatMessage;
import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.ChatRequest;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.ChatSink;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.chat.WireText;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.store.ConversationExport;
import dev.quill.server.store.ConversationStore;
import dev.quill.server.store.ConversationSummary;
import dev.quill.server.store.StoredMessage;
import dev.quill.server.toolcall.ToolCall;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One browser connection speaking the typed JSON protocol of DESIGN.md. Client: {@code chat},
 * {@code cancel}, {@code history}, {@code conversations}. Server: {@code start}, {@code progress}, {@code delta},
 * {@code done}, {@code error}, {@code history}, {@code conversations}; {@code edit} and
 * {@code regenerate} stream as chats, and the other conversation operations ({@code delete},
 * {@code rename}, {@code switch}, {@code search}, {@code export}) are {@link ConversationOps}'s. Several conversations may
 * stream at once, up to a limit. A chat that names its {@code client} (the page's id, kept in its
 * local storage) is remembered in that client's conversation list.
 *
 * <p>Every frame goes out through one {@link SocketWriter}: a client that does not read its
 * frames stops being read, and past a cap is closed (1008). A message over twice the frame limit
 * gets {@code payload_too_large} and a close with 1009. A shutdown whose grace period ran out
 * ends the chats still running with {@code error shutting_down} and closes with 1001.
 *
 * <p>Confined to the socket's event loop: every field is touched only there.
 */
public final class ChatSocket implements LiveStreams.Interruptible {

    /**
     * Settings a socket needs from the server.
     *
     * @param maxFrameBytes largest message handled; up to twice this gets an error, beyond it a close
     * @param sampling reads {@code params}, filling what a chat leaves out with the model's defaults
     * @param maxQueuedBytes frames that may wait for a client before its socket is closed
     * @param historyBytes largest {@code history} frame
     * @param replica this server's name among replicas, sent in every {@code start} frame
     */
    public record Limits(int maxFrameBytes, int maxStreams, SamplingFields sampling, String modelName,
                         long maxQueuedBytes, int historyBytes, String replica) {
    }

    /** Close codes (RFC 6455 section 7.4.1). */
    static final short GOING_AWAY = 1001;
    static final short MESSAGE_TOO_BIG = 1009;

    /** What a client id may be: it becomes part of store keys, so no braces, spaces or separators. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ServerWebSocket ws;
    private final ChatService chat;
    private final ConversationStore store;
    private final ServerMetrics metrics;
    private final Limits limits;
    private final String owner; // the API key's identity: its conversations and lists are the only ones this socket sees
    private final SocketWriter writer;
    private final Runnable leaveLive;
    private final Promise<Void> gone = Promise.promise();
    private final Map<String, ChatService.ActiveChat> active = new HashMap<>(); // by client message id
    private final ConversationOps ops;
    private int streams;
    private volatile boolean closed; // also read by prompt workers (Sink.clientGone)

    public ChatSocket(Vertx vertx, ServerWebSocket ws, ChatService chat, ConversationStore store, ServerMetrics metrics,
                      LiveStreams live, Limits limits, String owner) {
        this.ws = ws;
        this.owner = owner;
        this.chat = chat;
        this.store = store;
        this.metrics = metrics;
        this.limits = limits;
        this.writer = new SocketWriter(vertx, ws, metrics, limits.maxQueuedBytes(), this::cancelAll);
        this.ops = new ConversationOps(store, owner, writer, limits.historyBytes());
        metrics.socketOpened();
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> error(null, "binary_not_supported", "send JSON text frames, not binary"));
        ws.closeHandler(v -> onClose());
        ws.exceptionHandler(this::onException); // a broken connection ends in closeHandler
        leaveLive = live.add(this);
    }

    private void onText(String text) {
        metrics.socketMessage();
        if (text.length() > limits.maxFrameBytes()) {
            error(null, "payload_too_large", "messages are limited to " + limits.maxFrameBytes() + " bytes");
            return;
        }
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            error(null, "invalid_json", "a message must be a JSON object: " + e.getMessage());
            return;
        }
        String type = msg.getValue("type") instanceof String s ? s : null;
        String id = msg.getValue("id") instanceof String s && WireText.wellFormed(s) ? s : null;
        try {
            WireText.requireWellFormed(msg); // before anything is stored: Redis would keep '?' for a lone surrogate
            switch (type == null ? "" : type) {
                case "chat", "edit", "regenerate", "tool_result" -> onChat(id, type, msg);
                case "cancel" -> onCancel(id);
                case "history" -> onHistory(msg);
                case "conversations" -> onConversations(msg);
                default -> {
                    if (type == null || !ops.handle(type, id, msg)) {
                        error(id, "unknown_type", "type must be chat, edit, regenerate, tool_result, cancel, history, "
                                + "conversations, delete, rename, switch, search or export");
                    }
                }
            }
        } catch (ApiException e) {
            error(id, e.error().code(), e.getMessage());
        } catch (InvalidSamplingParamException e) {
            error(id, "invalid_request", e.getMessage());
        }
    }

    private void onChat(String id, String type, JsonObject msg) {
        if (id == null || id.isEmpty()) {
            throw new ApiException(ApiError.invalid("chat needs a string id", "id"));
        }
        if (active.containsKey(id)) {
            throw new ApiException(ApiError.invalid("a chat with id " + id + " is already streaming", "id"));
        }
        boolean regenerate = type.equals("regenerate"); // a new answer to a stored message: nothing new from the user
        List<ChatMessage> messages = regenerate ? new ArrayList<>() : SocketTools.messages(type, msg);
        if (regenerate && msg.getValue("system") instanceof String system && !system.isBlank()) {
            messages.add(new ChatMessage("system", system));
        }
        // what titles a new conversation in the client's list: the user's words, not a tool's output
        String content = type.equals("chat") || type.equals("edit") ? messages.get(messages.size() - 1).content() : null;
        if (streams >= limits.maxStreams()) {
            error(id, "too_many_streams", "at most " + limits.maxStreams() + " conversations may stream on one connection");
            return;
        }
        Object conv = msg.getValue("conversation");
        if (conv != null && !(conv instanceof String)) {
            throw new ApiException(ApiError.invalid("conversation must be a string", "conversation"));
        }
        String client = clientId(msg);
        String conversation = conv == null ? ChatService.newConversationId() : (String) conv;
        Object turnId = msg.getValue("turn");
        ChatRequest.Turn turn = turnId == null ? ChatRequest.Turn.unnamed(owner, "ws-" + UUID.randomUUID())
                : ChatRequest.Turn.named(owner, turnId instanceof String t ? t : null, "turn");
        if (conv == null) {
            turn = turn.inNewConversation(); // an id issued now: the store makes the conversation for this turn
        }
        turn = ConversationOps.versionOf(type, msg, turn);
        SamplingFields.Parsed parsed = SocketParams.parse(msg.getValue("params"), limits.sampling());
        ChatRequest req = new ChatRequest(turn.id(), conversation, messages, null,
                parsed.params(), parsed.maxTokensGiven(), turn).withTools(SocketTools.tools(msg));
        streams++;
        metrics.streamStarted();
        active.put(id, null); // reserved: a cancel before the start is remembered
        chat.start(req, new Sink(id)).onComplete(ar -> {
            if (ar.failed()) {
                release(id);
                error(id, ChatErrors.of(ar.cause()).code(), ChatErrors.of(ar.cause()).message());
            } else {
                if (!active.containsKey(id) || closed) {
                    ar.result().cancel(); // cancelled or disconnected while it was starting
                } else {
                    active.put(id, ar.result());
                }
                if (client != null && content != null) {
                    // The turn is stored and running; a list that misses it is not worth failing
                    // the answer for, and the page lists the conversation it is in anyway.
                    store.remember(ConversationStore.clientListId(owner, client), conversation,
                            ConversationSummary.titleOf(content));
                }
            }
        });
    }

    private void onCancel(String id) {
        if (id == null || !active.containsKey(id)) {
            error(id, "unknown_id", "no chat with id " + id + " is streaming");
            return;
        }
        ChatService.ActiveChat c = active.remove(id); // done(cancelled) still follows and frees the stream
        if (c != null) {
            c.cancel();
        }
    }

    private void onHistory(JsonObject msg) {
        if (!(msg.getValue("conversation") instanceof String conversation)) {
            throw new ApiException(ApiError.invalid("history needs a conversation id", "conversation"));
        }
        Integer before = HistoryPage.optionalInt(msg, "before", 0);
        Integer limit = HistoryPage.optionalInt(msg, "limit", 1);
        JsonObject reply = new JsonObject().put("type", "history").put("conversation", conversation)
                .put("before", before).put("first", Integer.MAX_VALUE).put("total", Integer.MAX_VALUE)
                .put("more", false).put("messages", new JsonArray());
        long room = limits.historyBytes() - SocketWriter.utf8Length(reply.encode()) + 2; // the messages' "[]" counted by the page
        if (room < limits.historyBytes() / 2) {
            throw new ApiException(ApiError.invalid("conversation id too long", "conversation"));
        }
        writer.hold(); // one store read at a time per socket: a burst of requests cannot pile up pages
        String client = before == null ? clientId(msg) : null;
        store.owned(conversation, owner).onComplete(ar -> {
            try {
                if (ar.failed()) { // not_found names the conversation (if it could be one), so the page knows which is gone
                    ApiError e = ChatErrors.of(ar.cause());
                    send(new JsonObject().put("type", "error").put("id", null).put("code", e.code()).put("message", e.message())
                            .put("conversation", ConversationStore.wellFormedId(conversation) ? conversation : null));
                    return;
                }
                HistoryPage page = HistoryPage.of(ar.result().tree(), before == null ? Integer.MAX_VALUE : before,
                        limit == null ? Integer.MAX_VALUE : limit, room);
                String title = ConversationExport.titleOf(ar.result());
                send(reply.put("first", page.first()).put("total", page.total()).put("more", page.more())
                        .put("messages", page.messages()).put("title", title));
                if (client != null && title != null) {
                    // opened by link in another browser: its sidebar lists it from now on
                    store.rememberIfAbsent(ConversationStore.clientListId(owner, client), conversation, title);
                }
            } finally {
                writer.release(); // after the reply, so replies keep the order of the requests
            }
        });
    }

    private void onConversations(JsonObject msg) {
        String client = clientId(msg);
        if (client == null) {
            throw new ApiException(ApiError.invalid("conversations needs a client id", "client"));
        }
        writer.hold(); // as for history: one store read at a time
        store.conversations(ConversationStore.clientListId(owner, client)).onComplete(ar -> {
            try {
                if (ar.failed()) {
                    error(null, ChatErrors.of(ar.cause()).code(), ChatErrors.of(ar.cause()).message());
                    return;
                }
                JsonArray items = new JsonArray(); // at most CONVERSATIONS_PER_CLIENT short entries
                for (ConversationSummary c : ar.result()) {
                    items.add(new JsonObject().put("id", c.id()).put("title", c.title()).put("updated", c.updatedMillis()));
                }
                send(new JsonObject().put("type", "conversations").put("items", items));
            } finally {
                writer.release();
            }
        });
    }

    /** The message's {@code client}, or null when it has none; refused when it is not a valid id. */
    static String clientId(JsonObject msg) {
        Object client = msg.getValue("client");
        if (client == null) {
            return null;
        }
        if (!(client instanceof String s) || !CLIENT_ID.matcher(s).matches()) {
            throw new ApiException(ApiError.invalid("client must be 1 to 64 letters, digits, '-' or '_'", "client"));
        }
        return s;
    }

    private void onClose() {
        closed = true;
        metrics.socketClosed();
        leaveLive.run();
        writer.closed();
        cancelAll(); // a client that leaves cancels its generations
        gone.tryComplete();
    }

    /** Cancels every generation; their done(cancelled) still comes and frees the streams. */
    private void cancelAll() {
        for (ChatService.ActiveChat c : active.values()) {
            if (c != null) {
                c.cancel();
            }
        }
        active.clear();
    }

    /**
     * Vert.x drops a message over its limit (twice ours) and only reports it here: a message
     * split in frames overflows its buffer (IllegalStateException), a single frame over the frame
     * limit fails Netty's decoder. Either way the client hears why before the socket closes.
     */
    private void onException(Throwable e) {
        boolean tooBig = e instanceof CorruptedWebSocketFrameException c && c.closeStatus().code() == MESSAGE_TOO_BIG
                || e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
        if (tooBig && !closed) {
            error(null, "payload_too_large", "messages are limited to " + limits.maxFrameBytes()
                    + " bytes; one over twice that closes the connection");
            writer.close(MESSAGE_TOO_BIG, "message too big");
        }
    }

    /** Shutdown: each running chat hears shutting_down, then the socket closes as going away. */
    @Override
    public Future<Void> interrupt(ApiError why) {
        if (!closed) {
            for (String id : List.copyOf(active.keySet())) { // a send may overflow, which clears active
                error(id, why.code(), why.message());
            }
            cancelAll();
            writer.close(GOING_AWAY, "server shutting down");
        }
        return gone.future();
    }

    private void release(String id) {
        active.remove(id);
        streams--;
        metrics.streamEnded();
    }

    private void error(String id, String code, String message) {
        send(new JsonObject().put("type", "error").put("id", id).put("code", code).put("message", message));
    }

    private void send(JsonObject o) {
        writer.send(o);
    }

    /** One chat's events, written as frames on this socket. */
    private final class Sink implements ChatSink {
        private final String id;
        private final long started = System.nanoTime();
        private boolean calledTools;

        Sink(String id) {
            this.id = id;
        }

        @Override
        public void onStart(String conversationId, int promptTokens, int omittedMessages) {
            send(new JsonObject().put("type", "start").put("id", id).put("conversation", conversationId)
                    .put("model", limits.modelName()).put("prompt_tokens", promptTokens)
                    .put("omitted_messages", omittedMessages)
                    .put("replica", limits.replica()));
        }

        @Override
        public void onPrefill(int computed, int promptTokens) {
            send(new JsonObject().put("type", "progress").put("id", id).put("stage", "prefill")
                    .put("computed", computed).put("prompt_tokens", promptTokens));
        }

        @Override
        public void onText(String text) {
            send(new JsonObject().put("type", "delta").put("id", id).put("text", text));
        }

        @Override
        public void onToolCall(int index, ToolCall call) {
            calledTools = true;
            send(SocketTools.callFrame(id, index, call));
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            release(id);
            double seconds = (System.nanoTime() - started) / 1e9;
            double decode = (usage.totalNanos() - usage.timeToFirstTokenNanos()) / 1e9;
            send(new JsonObject().put("type", "done").put("id", id).put("finish_reason",
                            calledTools && reason == FinishReason.STOP ? "tool_calls" : reason.wireName())
                    .put("usage", new JsonObject().put("prompt_tokens", usage.promptTokens())
                            .put("completion_tokens", usage.completionTokens())
                            .put("cached_tokens", usage.cachedTokens()))
                    .put("timings", new JsonObject()
                            .put("time_to_first_token_ms", usage.timeToFirstTokenNanos() / 1e6)
                            .put("total_ms", seconds * 1000)
                            .put("tokens_per_second", usage.completionTokens() > 1 && decode > 0
                                    ? (usage.completionTokens() - 1) / decode : 0.0)));
        }

        @Override
        public void onError(ApiError error) {
            release(id);
            ChatSocket.this.error(id, error.code(), error.message());
        }

        @Override
        public boolean writeQueueFull() {
            return writer.isFull();
        }

        @Override
        public boolean clientGone() {
            return closed;
        }

        @Override
        public void onDrain(Runnable resume) {
            writer.onDrain(resume);
        }
    }
}
