package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Requests with a legal but tiny temperature: {@code 1e-320} over HTTP and {@code 5e-324} (the
 * smallest double) in a WebSocket chat's {@code params}, alternately. Such a request should be
 * answered greedily, or refused alone; it must never fail anyone else's stream (issue 12, 1).
 */
final class TinyTemperature implements Behaviour {

    private final int count;
    private final Tally tally = new Tally();

    TinyTemperature(int count) {
        this.count = count;
    }

    @Override
    public String name() {
        return "tiny_temperature";
    }

    @Override
    public void start(HostileClients c) {
        c.spreadAlternately(count, () -> http(c), i -> socket(c, i));
    }

    private void http(HostileClients c) {
        tally.add("http_sent");
        String body = "{" + c.modelField() + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}],"
                + "\"stream\":true,\"max_tokens\":16,\"temperature\":1e-320}";
        c.track(ChatPost.send(c, body, null, req -> { }).compose(ChatPost::outcome))
                .onComplete(ar -> tally.add(ar.succeeded() ? ar.result() : "http_failed " + ar.cause().getMessage()));
    }

    private void socket(HostileClients c, int i) {
        tally.add("ws_sent");
        String id = "tiny-" + i;
        c.track(c.ws().connect(c.target().socket()).compose(ws -> {
            Frames frames = new Frames(c.vertx(), ws);
            ws.writeTextMessage("{\"type\":\"chat\",\"id\":\"" + id + "\",\"content\":\"Say something.\","
                    + "\"params\":{\"max_tokens\":16,\"temperature\":5e-324}}");
            return frames.await(Frames.endOf(id), 60_000).map(Frames::outcome).eventually(ws::close);
        })).onComplete(ar -> tally.add(ar.succeeded() ? "ws " + ar.result() : "ws_failed " + ar.cause().getMessage()));
    }

    @Override
    public Future<Void> stop() {
        return Future.succeededFuture(); // each request ends by itself, bounded by its timeout
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("requests", count).put("seen", tally.toJson());
    }
}
