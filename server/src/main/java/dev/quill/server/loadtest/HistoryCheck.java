package dev.quill.server.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --verify-history}: after the run, every conversation a session had is read back from the
 * server over the WebSocket {@code history} message and held against what its client sent and
 * received ({@link HistoryDiff}). A few sockets read in parallel, one conversation at a time each,
 * so the check is light beside the load it verifies. Confined to the run's event loop.
 *
 * <p>The result's keys: {@code history_checked} (conversations compared), {@code history_mismatches}
 * (those that differ), {@code history_unreadable} (no history reply), {@code history_unverifiable}
 * (conversations whose only turn was refused before the server named them), and the first
 * differences and read errors, each with its conversation.
 */
final class HistoryCheck {

    static final int READERS = 4;
    static final int SHOWN = 10;
    static final int MAX_HISTORY_BYTES = 256 * 1024 * 1024; // what a reply may be: a conversation can hold MBs

    private HistoryCheck() {
    }

    /** @param unnamed conversations already known to have no id (every turn refused before {@code start}) */
    static Future<JsonObject> run(Vertx vertx, Target target, List<Transcript> transcripts, int unnamed) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(READERS).setMaxMessageSize(MAX_HISTORY_BYTES).setMaxFrameSize(MAX_HISTORY_BYTES));
        ArrayDeque<Transcript> queue = new ArrayDeque<>();
        int unverifiable = unnamed;
        for (Transcript t : transcripts) {
            if (t.conversation() != null) {
                queue.add(t);
            } else {
                unverifiable++;
            }
        }
        Tally tally = new Tally(unverifiable);
        List<Future<Void>> readers = new ArrayList<>();
        for (int i = 0; i < Math.min(READERS, queue.size()); i++) {
            HistoryReader reader = new HistoryReader(vertx, client, target);
            Promise<Void> drained = Promise.promise();
            next(reader, queue, tally, drained);
            readers.add(drained.future().eventually(reader::close));
        }
        return Future.join(readers).transform(ar -> client.close()).transform(ar -> Future.succeededFuture(tally.toJson()));
    }

    private static void next(HistoryReader reader, ArrayDeque<Transcript> queue, Tally tally, Promise<Void> drained) {
        Transcript t = queue.poll();
        if (t == null) {
            drained.complete();
            return;
        }
        reader.read(t.conversation()).onComplete(ar -> {
            if (ar.failed()) {
                tally.unreadable(t.conversation(), ar.cause().getMessage());
            } else {
                tally.compared(t.conversation(), HistoryDiff.compare(t, ar.result()));
            }
            next(reader, queue, tally, drained);
        });
    }

    /** The counts and the first few differences. */
    private static final class Tally {
        final int unverifiable;
        int checked;
        int mismatches;
        int unreadable;
        final JsonArray differences = new JsonArray();
        final JsonArray errors = new JsonArray();

        Tally(int unverifiable) {
            this.unverifiable = unverifiable;
        }

        void compared(String conversation, List<String> diffs) {
            checked++;
            if (!diffs.isEmpty()) {
                mismatches++;
                if (differences.size() < SHOWN) {
                    differences.add(new JsonObject().put("conversation", conversation)
                            .put("differences", new JsonArray(diffs.subList(0, Math.min(3, diffs.size())))));
                }
            }
        }

        void unreadable(String conversation, String why) {
            unreadable++;
            if (errors.size() < SHOWN) {
                errors.add(new JsonObject().put("conversation", conversation).put("error", why));
            }
        }

        JsonObject toJson() {
            return new JsonObject().put("history_checked", checked).put("history_mismatches", mismatches)
                    .put("history_unreadable", unreadable).put("history_unverifiable", unverifiable)
                    .put("history_differences", differences).put("history_read_errors", errors);
        }
    }
}
