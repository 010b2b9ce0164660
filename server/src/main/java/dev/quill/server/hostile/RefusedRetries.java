package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A client that retries a refused turn, as {@code Retry-After} invites: in a conversation of its
 * own, a message too long for the model's context is sent three times over the WebSocket with
 * the same turn id, then three times over HTTP ({@code conversation_id}) with the same
 * {@code Idempotency-Key}. Each attempt then reads the history back and counts how many copies
 * of the refused message the server stored: a refused turn should leave none, and a retry with
 * the same id at most one (issue 12, 5).
 */
final class RefusedRetries implements Behaviour {

    static final int TRIES = 3;
    static final long REPLY_MS = 60_000;

    private final int count;
    private final int words;
    private final Tally tally = new Tally();

    /** @param words the refused message's length: more than the model's context holds */
    RefusedRetries(int count, int words) {
        this.count = count;
        this.words = words;
    }

    @Override
    public String name() {
        return "refused_retries";
    }

    @Override
    public void start(HostileClients c) {
        String big = ChatPost.words(words);
        c.spread(count, i -> c.track(c.ws().connect(c.target().socket()).compose(ws -> {
            Frames frames = new Frames(c.vertx(), ws);
            return attempt(c, frames, i, big).eventually(ws::close);
        })).onFailure(e -> tally.add("failed " + e.getMessage())));
    }

    private Future<Void> attempt(HostileClients c, Frames frames, int i, String big) {
        String seed = "seed-" + i;
        frames.socket().writeTextMessage(new JsonObject().put("type", "chat").put("id", seed).put("content", "Hello.")
                .put("params", new JsonObject().put("max_tokens", 4)).encode());
        return frames.await(f -> "start".equals(f.getValue("type")) && seed.equals(f.getValue("id")), REPLY_MS)
                .compose(start -> frames.await(Frames.endOf(seed), REPLY_MS).map(end -> start.getString("conversation")))
                .compose(conversation -> socketTries(frames, conversation, "refused-" + i, big, 0)
                        .compose(v -> copies(frames, conversation, big))
                        .compose(ws -> {
                            tally.add("ws: " + ws + " copies stored");
                            return httpTries(c, conversation, "refused-http-" + i, big, 0)
                                    .compose(v -> copies(frames, conversation, big))
                                    .map(all -> {
                                        tally.add("http: " + (all - ws) + " copies stored");
                                        return null;
                                    });
                        }));
    }

    private Future<Void> socketTries(Frames frames, String conversation, String id, String big, int n) {
        if (n == TRIES) {
            return Future.succeededFuture();
        }
        frames.socket().writeTextMessage(new JsonObject().put("type", "chat").put("id", id).put("turn", id)
                .put("conversation", conversation).put("content", big).put("params", new JsonObject().put("max_tokens", 4)).encode());
        return frames.await(Frames.endOf(id), REPLY_MS)
                .compose(f -> {
                    tally.add("ws " + Frames.outcome(f));
                    return socketTries(frames, conversation, id, big, n + 1);
                });
    }

    private Future<Void> httpTries(HostileClients c, String conversation, String key, String big, int n) {
        if (n == TRIES) {
            return Future.succeededFuture();
        }
        String body = "{" + c.modelField() + "\"conversation_id\":" + Json.encode(conversation)
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + Json.encode(big) + "}],\"max_tokens\":4}";
        return ChatPost.send(c, body, key, req -> { }).compose(ChatPost::outcome).compose(o -> {
            tally.add(o);
            return httpTries(c, conversation, key, big, n + 1);
        });
    }

    /** How many user messages with the refused text the conversation holds (its first page, if paged). */
    private static Future<Integer> copies(Frames frames, String conversation, String big) {
        frames.socket().writeTextMessage(new JsonObject().put("type", "history").put("conversation", conversation).encode());
        return frames.await(f -> "history".equals(f.getValue("type")) || "error".equals(f.getValue("type")), REPLY_MS)
                .map(f -> {
                    int n = 0;
                    JsonArray messages = f.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
                    for (Object o : messages) {
                        if (o instanceof JsonObject m && big.equals(m.getValue("content"))) {
                            n++;
                        }
                    }
                    return n;
                });
    }

    @Override
    public Future<Void> stop() {
        return Future.succeededFuture();
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("attempts", count).put("tries_each", TRIES).put("message_words", words)
                .put("seen", tally.toJson());
    }
}
