package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Chat requests of 1,000 short messages (about 50 KB), each abandoned when no answer has begun
 * within a few seconds: the careless client of issue 12, 3. The server must bound the work of
 * building such a prompt, cancel it when the client leaves, and keep every other request and
 * {@code /metrics} answering meanwhile. The report says how many were answered (and how) before
 * the client gave up.
 */
final class LongBodies implements Behaviour {

    static final int MESSAGES = 1000;

    private final int count;
    private final long abandonAfterMs;
    private final Tally tally = new Tally();
    private String body;

    LongBodies(int count, long abandonAfterMs) {
        this.count = count;
        this.abandonAfterMs = abandonAfterMs;
    }

    @Override
    public String name() {
        return "thousand_message_bodies";
    }

    @Override
    public void start(HostileClients c) {
        JsonArray messages = new JsonArray();
        for (int i = 0; i < MESSAGES; i++) {
            messages.add(new JsonObject().put("role", i % 2 == 0 ? "user" : "assistant")
                    .put("content", "Message " + i + " about heads."));
        }
        body = "{" + c.modelField() + "\"messages\":" + messages.encode() + ",\"stream\":true,\"max_tokens\":16}";
        c.spread(count, i -> send(c));
    }

    private void send(HostileClients c) {
        HttpClientRequest[] request = new HttpClientRequest[1];
        long sent = System.nanoTime();
        long timer = c.vertx().setTimer(abandonAfterMs, id -> {
            if (request[0] != null) {
                request[0].reset(); // gave up waiting: the connection closes
            }
        });
        c.track(ChatPost.send(c, body, null, req -> request[0] = req).map(resp -> {
            c.vertx().cancelTimer(timer);
            request[0].reset(); // an answer began; its text is not wanted
            return "answered http_" + resp.statusCode() + " within " + abandonAfterMs / 1000 + " s";
        })).onComplete(ar -> {
            c.vertx().cancelTimer(timer);
            double s = (System.nanoTime() - sent) / 1e9;
            tally.add(ar.succeeded() ? ar.result() : s >= abandonAfterMs / 1e3 - 0.05 ? "abandoned after " + abandonAfterMs / 1000 + " s"
                    : "failed " + ar.cause().getMessage());
        });
    }

    @Override
    public Future<Void> stop() {
        return Future.succeededFuture();
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("requests", count).put("messages_per_request", MESSAGES)
                .put("body_bytes", body == null ? 0 : body.length()).put("seen", tally.toJson());
    }
}
