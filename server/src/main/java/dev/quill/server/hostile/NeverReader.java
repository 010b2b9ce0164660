package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * WebSockets whose client stops reading (issue 12, 2): each makes a conversation, tries to store
 * a large message in it (about {@code bigKb} KB: a server that stores refused turns keeps it;
 * where the model's context refuses it, turns that fit grow the history instead), then stops reading and asks for that conversation's history again and again, writing only as
 * fast as the server takes its frames. The server must not queue their answers without bound: it
 * should stop reading the socket or close it. At the end the client reads again for a moment and
 * reports how much had been queued for it and whether the server closed it, with what code.
 */
final class NeverReader implements Behaviour {

    static final long RESUME_MS = 3000;
    static final int FILL_TURNS = 40;
    static final int FILL_WORDS = 250;

    private final int count;
    private final int historyRequests;
    private final int bigKb;
    private final Tally tally = new Tally();
    private final List<WebSocket> sockets = new ArrayList<>();
    private HostileClients c;
    private long historySent;
    private long framesAfterResume;
    private long charsAfterResume;

    NeverReader(int count, int historyRequests, int bigKb) {
        this.count = count;
        this.historyRequests = historyRequests;
        this.bigKb = bigKb;
    }

    @Override
    public String name() {
        return "never_reading_sockets";
    }

    @Override
    public void start(HostileClients clients) {
        c = clients;
        String big = ChatPost.words(bigKb * 1024 / 5);
        for (int i = 0; i < count; i++) {
            int n = i;
            c.ws().connect(c.target().socket()).compose(ws -> {
                sockets.add(ws);
                Frames frames = new Frames(c.vertx(), ws);
                return setUp(frames, n, big).map(conversation -> {
                    flood(ws, conversation);
                    return null;
                });
            }).onFailure(e -> tally.add("setup failed " + e.getMessage()));
        }
    }

    /** A conversation with (perhaps) the large message in it: its id. */
    private Future<String> setUp(Frames frames, int n, String big) {
        String seed = "seed-" + n;
        String bigId = "big-" + n;
        frames.socket().writeTextMessage(new JsonObject().put("type", "chat").put("id", seed).put("content", "Hello.")
                .put("params", new JsonObject().put("max_tokens", 4)).encode());
        return frames.await(f -> "start".equals(f.getValue("type")) && seed.equals(f.getValue("id")), 60_000)
                .compose(start -> frames.await(Frames.endOf(seed), 60_000).map(end -> start.getString("conversation")))
                .compose(conversation -> {
                    frames.socket().writeTextMessage(new JsonObject().put("type", "chat").put("id", bigId)
                            .put("conversation", conversation).put("content", big)
                            .put("params", new JsonObject().put("max_tokens", 4)).encode());
                    return frames.await(Frames.endOf(bigId), 60_000)
                            .compose(f -> {
                                tally.add("large message: " + Frames.outcome(f));
                                // A server that refuses a message past its context stores none of it: grow the
                                // history with turns that fit instead, so each history answer is still large.
                                return "done".equals(f.getValue("type")) ? Future.succeededFuture(conversation)
                                        : fill(frames, conversation, "fill-" + n + "-", 0);
                            });
                });
    }

    /** Up to {@link #FILL_TURNS} stored turns of {@link #FILL_WORDS} words each; stops at the first refusal. */
    private Future<String> fill(Frames frames, String conversation, String prefix, int turn) {
        if (turn == FILL_TURNS || c.stopped()) {
            tally.add("history grown to " + turn + " turns of " + FILL_WORDS + " words");
            return Future.succeededFuture(conversation);
        }
        String id = prefix + turn;
        frames.socket().writeTextMessage(new JsonObject().put("type", "chat").put("id", id).put("conversation", conversation)
                .put("content", ChatPost.words(FILL_WORDS)).put("params", new JsonObject().put("max_tokens", 4)).encode());
        return frames.await(Frames.endOf(id), 60_000).compose(f -> "done".equals(f.getValue("type"))
                ? fill(frames, conversation, prefix, turn + 1)
                : fill(frames, conversation, prefix, FILL_TURNS));
    }

    /** Stops reading, then writes history requests while the server takes them. */
    private void flood(WebSocket ws, String conversation) {
        ws.pause();
        String ask = new JsonObject().put("type", "history").put("conversation", conversation).encode();
        int[] sent = new int[1];
        Runnable[] more = new Runnable[1];
        more[0] = () -> {
            while (sent[0] < historyRequests && !c.stopped() && !ws.isClosed()) {
                if (ws.writeQueueFull()) {
                    ws.drainHandler(v -> more[0].run()); // the server stopped reading us: wait, as a client must
                    return;
                }
                ws.writeTextMessage(ask);
                sent[0]++;
                historySent++;
            }
        };
        more[0].run();
    }

    @Override
    public Future<Void> stop() {
        List<Future<Void>> closed = new ArrayList<>();
        for (WebSocket ws : sockets) {
            Promise<Void> done = Promise.promise();
            if (ws.isClosed()) {
                tally.add("closed before the end" + (ws.closeStatusCode() != null ? " (" + ws.closeStatusCode() + ")" : ""));
                done.complete();
            } else {
                ws.textMessageHandler(t -> {
                    framesAfterResume++;
                    charsAfterResume += t.length();
                });
                ws.closeHandler(v -> {
                    tally.add("closed by the server after resuming" + (ws.closeStatusCode() != null ? " (" + ws.closeStatusCode() + ")" : ""));
                    done.tryComplete();
                });
                ws.resume();
                c.vertx().setTimer(RESUME_MS, id -> ws.close().onComplete(ar -> done.tryComplete()));
            }
            closed.add(done.future());
        }
        return Future.join(closed).mapEmpty();
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("sockets", count).put("large_message_kb", bigKb)
                .put("history_requests_per_socket", historyRequests).put("history_requests_sent", historySent)
                .put("frames_read_in_" + RESUME_MS / 1000 + "s_after_resuming", framesAfterResume)
                .put("chars_read_after_resuming", charsAfterResume).put("seen", tally.toJson());
    }
}
