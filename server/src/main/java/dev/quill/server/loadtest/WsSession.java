package dev.quill.server.loadtest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A user on Quill's WebSocket protocol: one socket, opened on the first turn (and again after a
 * drop), the conversation continued by sending the {@code conversation} id that the server's
 * {@code start} frame named. The server keeps the history, so a turn sends only the new message.
 */
final class WsSession implements ChatSession {

    private final WebSocketClient client;
    private final Target target;
    private final int index;
    private Future<WebSocket> socket;
    private String conversation;
    private String model;
    private int sent;
    private Call call; // the turn in flight, or the last one
    private final List<Transcript> transcripts; // --verify-history: every conversation it had; else null
    private Transcript transcript;              // the conversation it is having, when verifying
    private int unnamed;                        // conversations dropped from transcripts: no turn was started

    /** @param verify whether to keep what each turn sent and received ({@link #transcripts}) */
    WsSession(WebSocketClient client, Target target, int index, boolean verify) {
        this.client = client;
        this.target = target;
        this.index = index;
        this.transcripts = verify ? new ArrayList<>() : null;
    }

    /**
     * One turn, known by its message id: frames of another id (a cut-off turn's) are ignored.
     *
     * @param transcript its conversation's transcript, and {@code log} its place in it (null unless verifying)
     */
    private record Call(String id, RequestTrace trace, Promise<RequestRecord> promise, Transcript transcript,
                        Transcript.Turn log) {
        void end(RequestRecord record) {
            promise.tryComplete(record);
        }

        void fail(String code) {
            if (log != null) {
                log.fail(code);
            }
            end(trace.fail(code));
        }
    }

    @Override
    public Future<RequestRecord> send(Turn turn, RequestTrace trace) {
        if (transcripts != null && transcript == null) { // a new conversation
            transcript = new Transcript();
            transcripts.add(transcript);
        }
        Call c = new Call("s" + index + "-" + (++sent), trace, Promise.promise(), transcript,
                transcript == null ? null : transcript.begin(turn.system(), turn.content()));
        call = c;
        JsonObject params = new JsonObject().put("max_tokens", turn.maxTokens());
        if (turn.ignoreEos()) {
            params.put("ignore_eos", true);
        }
        if (turn.temperature() != null) {
            params.put("temperature", turn.temperature());
        }
        JsonObject chat = new JsonObject().put("type", "chat").put("id", c.id()).put("content", turn.content())
                .put("params", params);
        if (conversation != null) {
            chat.put("conversation", conversation);
        }
        if (turn.system() != null) {
            chat.put("system", turn.system());
        }
        connection().onComplete(ar -> {
            if (trace.finished()) {
                return; // cut off while connecting
            }
            if (ar.failed()) {
                c.fail(ar.cause() instanceof UpgradeRejectedException r ? "http_" + r.getStatus() : "connect_failed");
                return;
            }
            trace.start(); // after the handshake: TTFT measures the answer, not the connection
            ar.result().writeTextMessage(chat.encode()).onFailure(e -> c.fail("connection_closed"));
        });
        return c.promise().future();
    }

    private Future<WebSocket> connection() {
        if (socket == null || socket.failed()) {
            socket = client.connect(target.socket(clientKey())).onSuccess(ws -> {
                ws.textMessageHandler(this::onFrame);
                ws.closeHandler(v -> onClosed(ws));
                ws.exceptionHandler(e -> { }); // a broken socket ends in closeHandler
            });
        }
        return socket;
    }

    /**
     * The session's affinity key, {@code /ws?client=…}: a load balancer in front of several
     * replicas hashes on it, so the socket, and after a drop its replacement, lands on one replica
     * for as long as that replica lives (docs/DEPLOY.md). The server itself does not read it.
     */
    private String clientKey() {
        return "loadtest-" + index;
    }

    private void onFrame(String text) {
        Call c = call;
        if (c == null || c.trace().finished()) {
            return;
        }
        JsonObject f;
        try {
            f = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            c.fail("invalid_frame");
            return;
        }
        String id = f.getValue("id") instanceof String s ? s : null;
        if (id != null && !id.equals(c.id())) {
            return; // a late frame of an earlier, cut-off turn
        }
        switch (String.valueOf(f.getValue("type"))) {
            case "start" -> {
                conversation = f.getString("conversation");
                c.trace().replica(f.getValue("replica") instanceof String r ? r : null);
                model = f.getString("model", model);
                if (c.log() != null) {
                    c.log().started = true;
                    c.transcript().named(conversation);
                }
            }
            case "delta" -> {
                if (f.getValue("text") instanceof String t && !t.isEmpty()) {
                    c.trace().chunk();
                    if (c.log() != null) {
                        c.log().received.append(t);
                    }
                }
            }
            case "done" -> {
                JsonObject usage = f.getValue("usage") instanceof JsonObject u ? u : new JsonObject();
                c.trace().usage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0),
                        usage.getInteger("cached_tokens", 0));
                if (c.log() != null) {
                    c.log().outcome = Transcript.Outcome.OK;
                    c.log().finishReason = f.getValue("finish_reason") instanceof String r ? r : null;
                }
                c.end(c.trace().ok());
            }
            // an error without an id (payload_too_large, ...) can only be about the one turn in flight
            case "error" -> c.fail(f.getValue("code") instanceof String code ? code : "error");
            default -> { }
        }
    }

    private void onClosed(WebSocket ws) {
        if (socket != null && socket.succeeded() && socket.result() == ws) {
            socket = null; // the next turn reconnects; the conversation lives on in the server's store
        }
        Call c = call;
        if (c != null && !c.trace().finished()) {
            c.fail("connection_closed");
        }
    }

    /**
     * The conversation is in the server's store, so a lost socket (a replica killed, or draining
     * for a restart) does not end it: the next turn opens a new socket, which the load balancer
     * sends to a live replica, and continues it there, as the page does after a reconnect.
     */
    @Override
    public boolean continuesAfter(String error) {
        return conversation != null && Transcript.lostConnection(error);
    }

    @Override
    public void newConversation() {
        if (transcript != null && transcript.conversation() == null) {
            transcripts.remove(transcripts.size() - 1); // refused before the server named it: nothing to read back
            unnamed++;
        }
        conversation = null;
        transcript = null;
    }

    @Override
    public int unnamedConversations() {
        return unnamed;
    }

    @Override
    public List<Transcript> transcripts() {
        return transcripts == null ? List.of() : transcripts;
    }

    @Override
    public void abort() {
        Call c = call;
        if (c == null || c.trace().finished()) {
            return;
        }
        if (c.log() != null && c.log().outcome == Transcript.Outcome.PENDING) {
            c.log().outcome = Transcript.Outcome.CUT;
        }
        c.end(c.trace().cut());
        if (socket != null && socket.succeeded() && c.trace().started()) {
            socket.result().writeTextMessage(new JsonObject().put("type", "cancel").put("id", c.id()).encode());
        }
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Future<Void> close() {
        Future<WebSocket> s = socket;
        socket = null;
        return s == null || !s.succeeded() ? Future.succeededFuture() : s.result().close();
    }
}
