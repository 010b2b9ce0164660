package dev.quill.server.openai;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.ChatRequest;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.PromptBuilder;
import dev.quill.server.http.Access;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.chat.SamplingFields;
import dev.quill.server.http.Affinity;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import dev.quill.server.store.ConversationStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.function.Function;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: parse and validate the
 * body ({@link OpenAiRequests}), start the generation ({@link ChatService}), and answer through
 * a sink that either streams chunks ({@link StreamingSink}) or sends one object
 * ({@link WholeSink}). Runs on the event loop and never blocks it.
 */
public final class OpenAiHandler {

    /**
     * An SSE stream is a body of unknown length, which HTTP/1.0 can only send by closing the
     * connection at its end: Vert.x's response has no such mode (it refuses to write a body with
     * neither a length nor chunked encoding), and a second, hand-written HTTP writer is not worth
     * it for a client that can ask again over HTTP/1.1 or without {@code stream}. The usual
     * HTTP/1.0 client is nginx's default upstream protocol, whose own SSE advice is
     * {@code proxy_http_version 1.1}.
     */
    static final ApiError STREAM_NEEDS_HTTP_1_1 = new ApiError(400, "invalid_request_error", "http_version_not_supported",
            "stream: true needs HTTP/1.1 (chunked transfer encoding); send the request over HTTP/1.1 "
                    + "(behind nginx: proxy_http_version 1.1) or with stream: false", "stream");

    private final Vertx vertx;
    private final ChatService chat;
    private final ServerMetrics metrics;
    private final LiveStreams live;
    private final String modelName;
    private final Duration keepAlive;
    private final OpenAiRequests requests;
    private final ConversationStore store;
    private final Access access;
    private final TokenTexts texts;
    private final PromptBuilder workers;

    public OpenAiHandler(Vertx vertx, ChatService chat, ConversationStore store, Access access, ServerMetrics metrics,
                         LiveStreams live, String modelName, Duration keepAlive, int maxMessages,
                         SamplingFields sampling, TokenTexts texts, PromptBuilder workers) {
        this.texts = texts;
        this.workers = workers;
        this.vertx = vertx;
        this.chat = chat;
        this.store = store;
        this.access = access;
        this.metrics = metrics;
        this.live = live;
        this.modelName = modelName;
        this.keepAlive = keepAlive;
        this.requests = new OpenAiRequests(modelName, maxMessages, sampling);
    }

    public void chatCompletions(RoutingContext ctx) {
        String conversation = ctx.request().getHeader(Affinity.CONVERSATION_HEADER); // read here: parse may run on a worker
        serve(ctx, ChunkFormat.CHAT, body -> requests.chat(body, conversation));
    }

    public void completions(RoutingContext ctx) {
        serve(ctx, ChunkFormat.TEXT, requests::completion);
    }

    /**
     * {@code POST /v1/conversations}: issues a conversation id, owned by the caller's API key, for
     * {@code conversation_id} (as OpenAI's Conversations API does; the body is not read). Only
     * ids issued here, or by a WebSocket chat, are accepted.
     */
    public void createConversation(RoutingContext ctx) {
        String id = ChatService.newConversationId();
        store.create(id, access.identity(ctx.request()))
                .onSuccess(v -> ctx.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("id", id).put("object", "conversation")
                                .put("created_at", System.currentTimeMillis() / 1000)
                                .put("metadata", new JsonObject()).encode()))
                .onFailure(e -> HttpErrors.send(ctx.response(), ChatErrors.of(e)));
    }

    /**
     * Reads the body, on a prompt worker when it holds a schema to compile (bounded only by the
     * body's size, so not for the event loop; compiled schemas are cached), then answers it.
     */
    private void serve(RoutingContext ctx, ChunkFormat format, Function<JsonObject, OpenAiRequest> parse) {
        JsonObject body;
        try {
            body = OpenAiRequests.body(ctx.body().buffer());
            if (!ResponseFormats.compiles(body)) {
                serve(ctx, format, parse.apply(body));
                return;
            }
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
            return;
        }
        workers.run(() -> parse.apply(body)).onComplete(parsed -> {
            if (parsed.succeeded()) {
                serve(ctx, format, parsed.result());
            } else {
                HttpErrors.send(ctx.response(), ChatErrors.of(parsed.cause()));
            }
        });
    }

    private void serve(RoutingContext ctx, ChunkFormat format, OpenAiRequest parsed) {
        ChatRequest chatRequest;
        try {
            chatRequest = parsed.chat().withTurn(turn(ctx, parsed.chat()));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
            return;
        }
        OpenAiRequest req = new OpenAiRequest(chatRequest, parsed.stream(), parsed.includeUsage(), parsed.choices());
        if (req.stream() && ctx.request().version() == HttpVersion.HTTP_1_0) {
            HttpErrors.send(ctx.response(), STREAM_NEEDS_HTTP_1_1); // refused before anything is submitted
            return;
        }
        OpenAiResponse shapes = new OpenAiResponse(format, req.chat().id(), modelName, req.chat().conversationId(),
                req.includeUsage());
        ResponseSink sink = req.choices().plain() ? sink(ctx.response(), req, shapes) : choicesSink(ctx.response(), req, shapes, format);
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                sink.clientLeft(); // closed before the response ended
            }
        });
        if (req.choices().n() > 1 || req.choices().echo()) { // echo needs the prompt's ids, which only this path hands on
            sink.startChoices(chat, req.chat(), ((ChoicesSink) sink).choices(), ChoiceOptions::forChoice,
                    e -> promptParam(ChatErrors.of(e), format));
        } else {
            sink.start(chat, req.chat(), e -> promptParam(ChatErrors.of(e), format));
        }
    }

    /** n answers, logprobs or echo: {@link ChoicesSink}. */
    private ChoicesSink choicesSink(HttpServerResponse response, OpenAiRequest req, OpenAiResponse shapes, ChunkFormat format) {
        SseStream sse = req.stream() ? new SseStream(vertx, response, keepAlive) : null;
        return new ChoicesSink(sse, response, metrics, live, shapes, format, req.choices(), texts, req.chat().rawPrompt(),
                req.includeUsage());
    }

    /**
     * The caller's identity and the turn: with a conversation, {@code Idempotency-Key} names it,
     * so a retry is applied at most once; without one nothing is stored and the key is ignored.
     */
    private ChatRequest.Turn turn(RoutingContext ctx, ChatRequest chat) {
        String owner = access.identity(ctx.request());
        String key = ctx.request().getHeader("Idempotency-Key");
        return key == null || chat.conversationId() == null
                ? ChatRequest.Turn.unnamed(owner, chat.id())
                : ChatRequest.Turn.named(owner, key, "Idempotency-Key");
    }

    private ResponseSink sink(HttpServerResponse response, OpenAiRequest req, OpenAiResponse shapes) {
        return req.stream()
                ? new StreamingSink(new SseStream(vertx, response, keepAlive), response, metrics, live, shapes,
                        req.includeUsage())
                : new WholeSink(response, metrics, shapes);
    }

    /** A prompt too long for the context names the field that holds the prompt on this endpoint. */
    private static ApiError promptParam(ApiError e, ChunkFormat format) {
        return e.code().equals("context_length_exceeded")
                ? new ApiError(e.status(), e.type(), e.code(), e.message(), format.promptParam)
                : e;
    }
}
