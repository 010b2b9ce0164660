package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonObject;

/**
 * Clients that leave in the middle of an answer: an SSE request reset after its first chunk,
 * a WebSocket closed after its first {@code delta}, alternately. The server should cancel the
 * generation and store the turn as cancelled; nobody else may notice.
 */
final class MidStreamDisconnects implements Behaviour {

    private final int count;
    private final Tally tally = new Tally();

    MidStreamDisconnects(int count) {
        this.count = count;
    }

    @Override
    public String name() {
        return "mid_stream_disconnects";
    }

    @Override
    public void start(HostileClients c) {
        c.spreadAlternately(count, () -> http(c), i -> socket(c, i));
    }

    private void http(HostileClients c) {
        String body = "{" + c.modelField() + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story.\"}],"
                + "\"stream\":true,\"max_tokens\":64,\"ignore_eos\":true}";
        HttpClientRequest[] request = new HttpClientRequest[1];
        Promise<String> seen = Promise.promise();
        c.track(ChatPost.send(c, body, null, req -> request[0] = req).compose(resp -> {
            if (resp.statusCode() != 200) {
                return ChatPost.outcome(resp);
            }
            resp.handler(b -> {
                if (b.toString().contains("\"content\"") && seen.tryComplete("http cut after first chunk")) {
                    request[0].reset(); // the client is gone: the connection is closed under the stream
                }
            });
            resp.endHandler(v -> seen.tryComplete("http ended before the cut"));
            resp.exceptionHandler(e -> seen.tryComplete("http cut after first chunk"));
            return seen.future();
        })).onComplete(ar -> tally.add(ar.succeeded() ? ar.result() : "http_failed " + ar.cause().getMessage()));
    }

    private void socket(HostileClients c, int i) {
        String id = "cut-" + i;
        c.track(c.ws().connect(c.target().socket()).compose(ws -> {
            Frames frames = new Frames(c.vertx(), ws);
            ws.writeTextMessage(new JsonObject().put("type", "chat").put("id", id).put("content", "Tell me a long story.")
                    .put("params", new JsonObject().put("max_tokens", 64).put("ignore_eos", true)).encode());
            return frames.await(f -> "delta".equals(f.getValue("type")) || Frames.endOf(id).test(f), 60_000)
                    .map(f -> "delta".equals(f.getValue("type")) ? "ws cut after first delta" : "ws " + Frames.outcome(f))
                    .eventually(ws::close);
        })).onComplete(ar -> tally.add(ar.succeeded() ? ar.result() : "ws_failed " + ar.cause().getMessage()));
    }

    @Override
    public Future<Void> stop() {
        return Future.succeededFuture();
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("requests", count).put("seen", tally.toJson());
    }
}
