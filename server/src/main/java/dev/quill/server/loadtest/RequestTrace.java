package dev.quill.server.loadtest;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Collects one request's events while it streams and turns them into a {@link RequestRecord}
 * exactly once: the first of finish, fail or cut wins and later events are ignored (a frame that
 * arrives after the client gave up changes nothing). Confined to the run's event loop.
 */
final class RequestTrace {

    private final int session;
    private final int conversation;
    private final int turn;
    private final boolean warmup;
    private final long arrivalNanos;
    private final LongSupplier clock;
    private final Runnable onChunk;
    private long startNanos = -1;
    private long[] chunks = new long[16];
    private int chunkCount;
    private int promptTokens;
    private int outputTokens = -1; // -1: the server sent no usage
    private int cachedTokens;
    private String replica;
    private RequestRecord record;

    /**
     * @param clock nanoseconds since the run started
     * @param onChunk told of every chunk (the progress line's tokens per second)
     */
    RequestTrace(int session, int conversation, int turn, boolean warmup, long arrivalNanos, LongSupplier clock, Runnable onChunk) {
        this.session = session;
        this.conversation = conversation;
        this.turn = turn;
        this.warmup = warmup;
        this.arrivalNanos = arrivalNanos;
        this.clock = clock;
        this.onChunk = onChunk;
    }

    /** The request leaves now. */
    void start() {
        startNanos = clock.getAsLong();
    }

    /** A piece of text arrived now. */
    void chunk() {
        if (record != null) {
            return;
        }
        if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunkCount * 2);
        }
        chunks[chunkCount++] = clock.getAsLong();
        onChunk.run();
    }

    void usage(int prompt, int completion, int cached) {
        promptTokens = prompt;
        outputTokens = completion;
        cachedTokens = cached;
    }

    /** The server named itself (a replica behind a load balancer). */
    void replica(String name) {
        replica = name;
    }

    boolean finished() {
        return record != null;
    }

    boolean started() {
        return startNanos >= 0;
    }

    RequestRecord ok() {
        return end(RequestRecord.Status.OK, null);
    }

    RequestRecord fail(String code) {
        return end(RequestRecord.Status.FAILED, code);
    }

    /** Cut off by the run's time limit. */
    RequestRecord cut() {
        return end(RequestRecord.Status.INCOMPLETE, null);
    }

    /** The record; only after the request ended. */
    RequestRecord record() {
        if (record == null) {
            throw new IllegalStateException("the request has not ended");
        }
        return record;
    }

    private RequestRecord end(RequestRecord.Status status, String error) {
        if (record == null) {
            long now = clock.getAsLong();
            long start = startNanos >= 0 ? startNanos : now; // failed before it could be sent
            // Without usage, count chunks: right for servers that send a token per chunk.
            int output = outputTokens >= 0 ? outputTokens : chunkCount;
            record = new RequestRecord(session, conversation, turn, warmup, status, error, arrivalNanos, start,
                    Arrays.copyOf(chunks, chunkCount), now, promptTokens, output, cachedTokens, replica);
        }
        return record;
    }
}
