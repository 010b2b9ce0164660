package dev.quill.server.openai;

import dev.quill.server.chat.ApiError;
import dev.quill.server.chat.ApiException;
import dev.quill.server.chat.ChatErrors;
import dev.quill.server.chat.ChatService;
import dev.quill.server.chat.LiveStreams;
import dev.quill.server.http.HttpErrors;
import dev.quill.server.http.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
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

    private final Vertx vertx;
    private final ChatService chat;
    private final ServerMetrics metrics;
    private final LiveStreams live;
    private final String modelName;
    private final Duration keepAlive;
    private final OpenAiRequests requests;

    public OpenAiHandler(Vertx vertx, ChatService chat, ServerMetrics metrics, LiveStreams live, String modelName,
                         Duration keepAlive) {
        this.vertx = vertx;
        this.chat = chat;
        this.metrics = metrics;
        this.live = live;
        this.modelName = modelName;
        this.keepAlive = keepAlive;
        this.requests = new OpenAiRequests(modelName);
    }

    public void chatCompletions(RoutingContext ctx) {
        serve(ctx, ChunkFormat.CHAT, requests::chat);
    }

    public void completions(RoutingContext ctx) {
        serve(ctx, ChunkFormat.TEXT, requests::completion);
    }

    private void serve(RoutingContext ctx, ChunkFormat format, Function<JsonObject, OpenAiRequest> parse) {
        OpenAiRequest req;
        try {
            req = parse.apply(OpenAiRequests.body(ctx.body().buffer()));
        } catch (ApiException e) {
            HttpErrors.send(ctx.response(), e.error());
            return;
        }
        OpenAiResponse shapes = new OpenAiResponse(format, req.chat().id(), modelName, req.chat().conversationId(),
                req.includeUsage());
        ResponseSink sink = sink(ctx.response(), req, shapes);
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                sink.clientLeft(); // closed before the response ended
            }
        });
        chat.start(req.chat(), sink)
                .onSuccess(sink::attach)
                .onFailure(e -> sink.onError(promptParam(ChatErrors.of(e), format)));
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
