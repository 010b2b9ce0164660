package dev.quill.server.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** HTTP and WebSocket counters for /metrics. Updated from any event loop. */
public final class ServerMetrics {

    private final Map<String, LongAdder> httpRequests = new ConcurrentHashMap<>(); // "route status" -> count
    final AtomicLong openSockets = new AtomicLong();
    final LongAdder socketsOpened = new LongAdder();
    final LongAdder socketMessages = new LongAdder();
    final AtomicLong activeStreams = new AtomicLong();
    final AtomicLong socketQueuedBytes = new AtomicLong(); // frames handed to sockets, not yet written out
    final LongAdder socketsOverflowed = new LongAdder();
    final LongAdder eventLoopBlocked = new LongAdder(); // Vert.x blocked-thread warnings about event loops
    final AtomicLong promptsPending = new AtomicLong(); // prompt builds queued or running
    final LongAdder promptsBuilt = new LongAdder(); // finished builds, fitted or refused
    final LongAdder promptsCancelled = new LongAdder();
    final LongAdder promptsOverloaded = new LongAdder();
    final LongAdder promptRenders = new LongAdder();
    final AtomicLong openConnections = new AtomicLong();
    private final Map<String, LongAdder> connectionsRefused = new ConcurrentHashMap<>(); // reason -> count
    private final Map<String, LongAdder> connectionsTimedOut = new ConcurrentHashMap<>(); // phase -> count

    public void request(String route, int status) {
        httpRequests.computeIfAbsent(route + " " + status, k -> new LongAdder()).increment();
    }

    public void socketOpened() {
        openSockets.incrementAndGet();
        socketsOpened.increment();
    }

    public void socketClosed() {
        openSockets.decrementAndGet();
    }

    public void socketMessage() {
        socketMessages.increment();
    }

    /** Bytes given to (positive) or written out by (negative) a WebSocket's write queue. */
    public void socketQueued(long bytes) {
        socketQueuedBytes.addAndGet(bytes);
    }

    /** A socket closed because its client let more than the cap of frames wait. */
    public void socketOverflowed() {
        socketsOverflowed.increment();
    }

    public long socketQueuedBytes() {
        return socketQueuedBytes.get();
    }

    public long openSockets() {
        return openSockets.get();
    }

    public void streamStarted() {
        activeStreams.incrementAndGet();
    }

    public void streamEnded() {
        activeStreams.decrementAndGet();
    }

    /** A prompt build was queued. */
    public void promptAccepted() {
        promptsPending.incrementAndGet();
    }

    /** A prompt build ended (a prompt or an error), or was cancelled because its client left. */
    public void promptEnded(boolean cancelled) {
        promptsPending.decrementAndGet();
        (cancelled ? promptsCancelled : promptsBuilt).increment();
    }

    /** A request was refused because the prompt queue was full. */
    public void promptOverloaded() {
        promptsOverloaded.increment();
    }

    /** One chat template render and tokenization (or one raw prompt's tokenization). */
    public void promptRendered() {
        promptRenders.increment();
    }

    /** Called on Vert.x's blocked-thread checker thread (see {@link BlockedThreadWatch}). */
    void eventLoopBlocked() {
        eventLoopBlocked.increment();
    }

    public void connectionOpened() {
        openConnections.incrementAndGet();
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /** A connection closed at once because a limit was reached ("total", "per_address"). */
    public void connectionRefused(String reason) {
        connectionsRefused.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** A connection closed for taking too long ("request_read", "idle", "websocket_ping"). */
    public void connectionTimedOut(String phase) {
        connectionsTimedOut.computeIfAbsent(phase, k -> new LongAdder()).increment();
    }

    public long activeStreams() {
        return activeStreams.get();
    }

    Map<String, LongAdder> httpRequests() {
        return httpRequests;
    }

    Map<String, LongAdder> connectionsRefused() {
        return connectionsRefused;
    }

    Map<String, LongAdder> connectionsTimedOut() {
        return connectionsTimedOut;
    }
}
