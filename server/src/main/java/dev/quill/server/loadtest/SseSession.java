package dev.quill.server.loadtest;

import dev.quill.server.http.Affinity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.ConnectException;

/**
 * A user on the OpenAI-compatible API: {@code POST /v1/chat/completions} with {@code stream: true}
 * and {@code stream_options.include_usage}, read as OpenAI documents the stream:
 * {@code data: {chat.completion.chunk}} events, then a chunk with {@code usage} and empty
 * {@code choices}, then {@code data: [DONE]}. The API is stateless, so the session keeps the
 * conversation and resends the growing messages list each turn, as an SDK user would. Works
 * against any server that speaks that format (Quill, vLLM, llama.cpp).
 */
final class SseSession implements ChatSession {

    private final PooledPost post;
    private final Target target;
    private final String model;
    private final JsonArray history = new JsonArray(); // the conversation so far: user, assistant, ...
    private Call call; // the turn in flight, or the last one

    SseSession(PooledPost post, Target target, String model) {
        this.post = post;
        this.target = target;
        this.model = model;
    }

    /**
     * One turn's request. Its events finish only its own trace and promise, so a late event of a
     * cut-off turn can never complete the next turn.
     */
    private final class Call {
        final RequestTrace trace;
        final Promise<RequestRecord> promise = Promise.promise();
        final JsonObject system; // sent with the conversation's first turn, or null
        final JsonObject user;
        final StringBuilder answer = new StringBuilder();
        HttpClientRequest request;

        Call(RequestTrace trace, JsonObject system, JsonObject user) {
            this.trace = trace;
            this.system = system;
            this.user = user;
        }

        void onResponse(HttpClientResponse response) {
            trace.replica(response.getHeader(Affinity.REPLICA_HEADER)); // which replica, behind a load balancer
            if (response.statusCode() != 200) {
                response.body().onComplete(b -> end(trace.fail(
                        errorCode(response.statusCode(), b.succeeded() ? b.result() : Buffer.buffer()))));
                return;
            }
            SseParser parser = new SseParser(this::onData);
            response.handler(parser::feed);
            response.exceptionHandler(e -> end(trace.fail("connection_error")));
            response.endHandler(v -> {
                parser.end();
                end(trace.fail("stream_truncated")); // no-op when [DONE] already ended it
            });
        }

        void onData(String data) {
            if (trace.finished()) {
                return;
            }
            if (data.equals("[DONE]")) {
                if (system != null) {
                    history.add(system);
                }
                history.add(user).add(new JsonObject().put("role", "assistant").put("content", answer.toString()));
                end(trace.ok());
                return;
            }
            JsonObject chunk;
            try {
                chunk = new JsonObject(data);
            } catch (DecodeException | ClassCastException e) {
                end(trace.fail("invalid_chunk"));
                return;
            }
            if (chunk.getValue("error") instanceof JsonObject error) {
                end(trace.fail(code(error, "stream_error")));
                return;
            }
            JsonArray choices = chunk.getValue("choices") instanceof JsonArray a ? a : new JsonArray();
            if (!choices.isEmpty() && choices.getValue(0) instanceof JsonObject choice
                    && choice.getValue("delta") instanceof JsonObject delta) {
                String text = delta.getValue("content") instanceof String s ? s : "";
                boolean reasoning = delta.getValue("reasoning_content") instanceof String s && !s.isEmpty();
                if (!text.isEmpty() || reasoning) {
                    trace.chunk();
                    answer.append(text);
                }
            }
            if (chunk.getValue("usage") instanceof JsonObject usage) {
                JsonObject details = usage.getValue("prompt_tokens_details") instanceof JsonObject d ? d : new JsonObject();
                trace.usage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0),
                        details.getValue("cached_tokens") instanceof Number n ? n.intValue() : 0);
            }
        }

        void end(RequestRecord record) {
            promise.tryComplete(record);
        }
    }

    @Override
    public Future<RequestRecord> send(Turn turn, RequestTrace trace) {
        JsonObject user = new JsonObject().put("role", "user").put("content", turn.content());
        JsonObject system = turn.system() != null && history.isEmpty()
                ? new JsonObject().put("role", "system").put("content", turn.system()) : null;
        JsonArray messages = history.copy();
        if (system != null) {
            messages.add(system);
        }
        JsonObject body = new JsonObject().put("model", model).put("messages", messages.add(user))
                .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true))
                .put("max_tokens", turn.maxTokens());
        if (turn.ignoreEos()) {
            body.put("ignore_eos", true); // vLLM's and llama.cpp's extension; Quill's too
        }
        if (turn.temperature() != null) {
            body.put("temperature", turn.temperature());
        }
        if (turn.responseFormat() != null) {
            body.put("response_format", turn.responseFormat());
        }
        Call c = new Call(trace, system, user);
        call = c;
        trace.start(); // as vLLM's client: the clock runs from before the request is written
        post.send(target.chatCompletions(), body.toBuffer(), () -> !c.trace.finished(), req -> c.request = req)
                .onComplete(ar -> {
                    if (c.trace.finished()) {
                        return; // cut off meanwhile
                    }
                    if (ar.failed()) {
                        c.end(trace.fail(ar.cause() instanceof ConnectException ? "connect_failed" : "connection_error"));
                    } else {
                        c.onResponse(ar.result());
                    }
                });
        return c.promise.future();
    }

    /** OpenAI's error object's code, else its type, else the HTTP status. */
    static String errorCode(int status, Buffer body) {
        try {
            if (new JsonObject(body).getValue("error") instanceof JsonObject error) {
                return code(error, "http_" + status);
            }
        } catch (DecodeException | ClassCastException e) {
            // not JSON: the status is all there is
        }
        return "http_" + status;
    }

    private static String code(JsonObject error, String otherwise) {
        if (error.getValue("code") instanceof String c && !c.isBlank()) {
            return c;
        }
        if (error.getValue("type") instanceof String t && !t.isBlank()) {
            return t;
        }
        return otherwise;
    }

    @Override
    public void newConversation() {
        history.clear();
    }

    @Override
    public void abort() {
        Call c = call;
        if (c == null || c.trace.finished()) {
            return;
        }
        c.end(c.trace.cut());
        if (c.request != null) {
            c.request.reset(); // closes the stream; the server sees the client leave and stops generating
        }
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture(); // the connection pool belongs to the run
    }
}
