package dev.quill.server.ws;

import dev.quill.server.http.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way out of a socket: every frame the server sends goes through {@link #send}, which
 * counts the bytes handed to Vert.x until their write completes (they reached the kernel).
 *
 * <ul>
 *   <li>Past {@link #PAUSE_BYTES} waiting, the writer is {@link #isFull() full}: streamed text
 *       waits and is merged into one delta, and the socket is no longer read (a client that
 *       does not read cannot make the server do more work). Both resume once half of it is out.
 *   <li>Past the cap ({@code server.ws_max_queued_bytes}) the socket is closed with 1008 (policy
 *       violation: the client broke the protocol's contract to read what it asked for; 1013 "try
 *       again later" would invite the same client to repeat it) and the overflow action runs.
 *   <li>A close that cannot reach a client that does not read (the close frame waits behind
 *       everything queued) is forced after {@link #ABORT_AFTER_MS}, so the queue is freed.
 * </ul>
 *
 * <p>Reading is also held by the socket while a store read is in flight ({@link #hold}), so a
 * client cannot have more than one history page being fetched at a time.
 *
 * <p>Confined to the socket's event loop.
 */
final class SocketWriter {

    /** Bytes waiting past which the socket is full; Netty's default high-water mark. */
    static final int PAUSE_BYTES = 64 * 1024;
    /** How long a closing socket may take to get its close frame out before the connection is cut. */
    static final long ABORT_AFTER_MS = 5_000;

    private final Vertx vertx;
    private final ServerWebSocket ws;
    private final ServerMetrics metrics;
    private final long maxQueuedBytes;
    private final Runnable onOverflow;
    private final List<Runnable> waitingForDrain = new ArrayList<>();
    private long queued;     // bytes handed to Vert.x whose write has not completed
    private int holds;       // reasons the socket is not being read now
    private boolean full;    // the queue holds one of those reasons
    private boolean closing; // close sent: nothing more is written
    private boolean closed;  // the connection is gone

    SocketWriter(Vertx vertx, ServerWebSocket ws, ServerMetrics metrics, long maxQueuedBytes, Runnable onOverflow) {
        this.vertx = vertx;
        this.ws = ws;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
        this.onOverflow = onOverflow;
    }

    /** Writes one JSON text frame, unless the socket is closing; false if it was not written. */
    boolean send(JsonObject frame) {
        if (closing || closed) {
            return false;
        }
        String text = frame.encode();
        long bytes = utf8Length(text);
        queued += bytes;
        metrics.socketQueued(bytes);
        ws.writeTextMessage(text).onComplete(ar -> written(bytes));
        if (queued > maxQueuedBytes) {
            metrics.socketOverflowed();
            close((short) 1008, "more than " + maxQueuedBytes + " bytes waiting: the client is not reading");
            onOverflow.run();
        } else if (!full && queued > PAUSE_BYTES) {
            full = true;
            hold();
        }
        return true;
    }

    /** True while streamed text should wait; never once closing, so producers reach their end. */
    boolean isFull() {
        return full && !closing && !closed;
    }

    /** Runs {@code resume} once the queue is no longer full (or the socket is closing). */
    void onDrain(Runnable resume) {
        if (!isFull()) {
            resume.run();
        } else {
            waitingForDrain.add(resume);
        }
    }

    /** Stops reading the socket until a matching {@link #release}. */
    void hold() {
        if (holds++ == 0 && !closed) {
            ws.pause();
        }
    }

    void release() {
        if (--holds == 0 && !closed) {
            ws.resume();
        }
    }

    /** Sends a close frame; if the connection is still open after {@link #ABORT_AFTER_MS}, cuts it. */
    void close(short code, String reason) {
        if (closing || closed) {
            return;
        }
        closing = true;
        ws.close(code, reason);
        vertx.setTimer(ABORT_AFTER_MS, id -> {
            if (!closed && ws instanceof WebSocketInternal internal) {
                // Vert.x's own close writes the close frame behind the queue and waits for it to be
                // written: never, for a client that does not read. This closes the channel under it.
                internal.channelHandlerContext().close();
            }
        });
        resumeProducers();
    }

    /** The connection closed: what waits for a drain is let go (it writes nothing now). */
    void closed() {
        closed = true;
        resumeProducers();
    }

    long queuedBytes() {
        return queued;
    }

    private void written(long bytes) {
        queued -= bytes;
        metrics.socketQueued(-bytes);
        if (full && queued <= PAUSE_BYTES / 2) {
            full = false;
            release();
            resumeProducers();
        }
    }

    private void resumeProducers() {
        List<Runnable> resume = new ArrayList<>(waitingForDrain);
        waitingForDrain.clear();
        resume.forEach(Runnable::run);
    }

    /** The UTF-8 size of a string, without encoding it twice (Vert.x encodes it once to write it). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3; // a lone surrogate is written as '?' (1 byte); counting 3 only overestimates
            }
        }
        return n;
    }
}
