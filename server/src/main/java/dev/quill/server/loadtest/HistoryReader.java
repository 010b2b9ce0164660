package dev.quill.server.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads one conversation's stored history at a time over one WebSocket, with the protocol's
 * {@code history} message. A server that pages its history (a reply with {@code more: true} and
 * the {@code first} message it holds) is asked again with {@code before} set to that
 * {@code first}, and the older page goes in front; a reply without {@code more} is the whole
 * history. Confined to the run's event loop; one request in flight at a time.
 */
final class HistoryReader {

    static final long REPLY_TIMEOUT_MS = 30_000;
    static final int MAX_PAGES = 10_000;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final Target target;
    private Future<WebSocket> socket;
    private Pending pending;
    private int requests;

    /** The conversation being read and what is known of it so far. */
    private final class Pending {
        final String conversation;
        final Promise<List<HistoryDiff.Stored>> promise = Promise.promise();
        final List<HistoryDiff.Stored> messages = new ArrayList<>();
        Object before;
        String id;
        long timer = -1;
        int pages;

        Pending(String conversation) {
            this.conversation = conversation;
        }

        void fail(String why) {
            vertx.cancelTimer(timer);
            promise.tryFail(why);
        }
    }

    HistoryReader(Vertx vertx, WebSocketClient client, Target target) {
        this.vertx = vertx;
        this.client = client;
        this.target = target;
    }

    /** The whole stored history, oldest first; fails with a short reason (an error code, no reply). */
    Future<List<HistoryDiff.Stored>> read(String conversation) {
        if (pending != null && !pending.promise.future().isComplete()) {
            throw new IllegalStateException("one conversation at a time");
        }
        Pending p = new Pending(conversation);
        pending = p;
        ask(p);
        return p.promise.future();
    }

    private void ask(Pending p) {
        p.id = "history-" + (++requests);
        JsonObject msg = new JsonObject().put("type", "history").put("id", p.id).put("conversation", p.conversation);
        if (p.before != null) {
            msg.put("before", p.before);
        }
        p.timer = vertx.setTimer(REPLY_TIMEOUT_MS, t -> p.fail("no reply in " + REPLY_TIMEOUT_MS / 1000 + " s"));
        connection().onComplete(ar -> {
            if (ar.failed()) {
                p.fail("cannot connect: " + ar.cause().getMessage());
            } else {
                ar.result().writeTextMessage(msg.encode()).onFailure(e -> p.fail("connection closed"));
            }
        });
    }

    private Future<WebSocket> connection() {
        if (socket == null || socket.failed()) {
            socket = client.connect(target.socket()).onSuccess(ws -> {
                ws.textMessageHandler(this::onFrame);
                ws.closeHandler(v -> {
                    socket = null;
                    if (pending != null) {
                        pending.fail("connection closed" + (ws.closeStatusCode() != null ? " (" + ws.closeStatusCode() + ")" : ""));
                    }
                });
                ws.exceptionHandler(e -> { }); // ends in closeHandler
            });
        }
        return socket;
    }

    private void onFrame(String text) {
        Pending p = pending;
        if (p == null || p.promise.future().isComplete()) {
            return;
        }
        JsonObject f;
        try {
            f = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            p.fail("invalid frame");
            return;
        }
        Object id = f.getValue("id");
        if ("error".equals(f.getValue("type")) && (id == null || p.id.equals(id))) {
            p.fail("error " + f.getValue("code"));
        } else if ("history".equals(f.getValue("type")) && p.conversation.equals(f.getValue("conversation"))) {
            page(p, f);
        }
    }

    private void page(Pending p, JsonObject f) {
        vertx.cancelTimer(p.timer);
        JsonArray messages = f.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
        List<HistoryDiff.Stored> page = new ArrayList<>();
        for (Object o : messages) {
            if (o instanceof JsonObject m) {
                page.add(new HistoryDiff.Stored(str(m, "role"), str(m, "content"), str(m, "finish_reason")));
            }
        }
        p.messages.addAll(0, page); // an earlier page goes in front
        Object first = f.getValue("first");
        if (Boolean.TRUE.equals(f.getValue("more")) && first != null && !Objects.equals(first, p.before)
                && ++p.pages < MAX_PAGES) {
            p.before = first;
            ask(p);
        } else {
            p.promise.tryComplete(p.messages);
        }
    }

    private static String str(JsonObject m, String key) {
        return m.getValue(key) instanceof String s ? s : null;
    }

    Future<Void> close() {
        Future<WebSocket> s = socket;
        socket = null;
        return s == null || !s.succeeded() ? Future.succeededFuture() : s.result().close();
    }
}
