package dev.quill.server.hostile;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.function.Predicate;

/**
 * The frames of one client WebSocket, awaited one at a time: {@link #await} completes with the
 * next frame that matches, fails when the socket closes or the time is up. Frames that match no
 * one are dropped. Event-loop confined.
 */
final class Frames {

    private final Vertx vertx;
    private final WebSocket ws;
    private Predicate<JsonObject> wanted;
    private Promise<JsonObject> waiting;
    private long timer = -1;
    private Short closeCode;
    private boolean closed;

    Frames(Vertx vertx, WebSocket ws) {
        this.vertx = vertx;
        this.ws = ws;
        ws.textMessageHandler(this::onText);
        ws.closeHandler(v -> {
            closed = true;
            closeCode = ws.closeStatusCode();
            fail("closed" + (closeCode != null ? " " + closeCode : ""));
        });
        ws.exceptionHandler(e -> { });
    }

    WebSocket socket() {
        return ws;
    }

    /** The next frame {@code wanted} accepts, within {@code timeoutMs}. */
    Future<JsonObject> await(Predicate<JsonObject> wanted, long timeoutMs) {
        if (closed) {
            return Future.failedFuture("closed" + (closeCode != null ? " " + closeCode : ""));
        }
        this.wanted = wanted;
        this.waiting = Promise.promise();
        Promise<JsonObject> mine = waiting;
        timer = vertx.setTimer(timeoutMs, id -> {
            if (waiting == mine) {
                fail("no reply in " + timeoutMs / 1000 + " s");
            }
        });
        return mine.future();
    }

    /** A frame that ends a chat turn of {@code id}: done or an error of that id (or of none). */
    static Predicate<JsonObject> endOf(String id) {
        return f -> "done".equals(f.getValue("type")) && id.equals(f.getValue("id"))
                || "error".equals(f.getValue("type")) && (f.getValue("id") == null || id.equals(f.getValue("id")));
    }

    /** How a turn ended, for the tally: {@code done stop}, {@code error overloaded}, ... */
    static String outcome(JsonObject f) {
        return "done".equals(f.getValue("type")) ? "done " + f.getValue("finish_reason") : "error " + f.getValue("code");
    }

    boolean closed() {
        return closed;
    }

    Short closeCode() {
        return closeCode;
    }

    private void onText(String text) {
        if (waiting == null) {
            return;
        }
        JsonObject f;
        try {
            f = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return;
        }
        if (wanted.test(f)) {
            Promise<JsonObject> p = waiting;
            waiting = null;
            vertx.cancelTimer(timer);
            p.complete(f);
        }
    }

    private void fail(String why) {
        Promise<JsonObject> p = waiting;
        waiting = null;
        vertx.cancelTimer(timer);
        if (p != null) {
            p.tryFail(why);
        }
    }
}
