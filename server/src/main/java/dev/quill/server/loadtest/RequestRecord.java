package dev.quill.server.loadtest;

/**
 * What the client saw of one request. Times are nanoseconds since the run started, taken on the
 * client when each event arrived: {@code startNanos} when the request left, {@code chunkNanos}
 * when each piece of text arrived (a WebSocket {@code delta}, an SSE chunk with content), and
 * {@code endNanos} when the answer ended ({@code done}, or {@code [DONE]}). Token counts come from
 * the server's usage.
 *
 * <p>The metrics follow vLLM's benchmark (benchmarks/serve.py) so numbers can be held side by
 * side: TTFT = first chunk - start; ITL = the gaps between chunks (a chunk may hold several
 * tokens when the server merges them); TPOT = (end - first chunk) / (output tokens - 1);
 * E2EL = end - start.
 *
 * @param session which simulated user sent it
 * @param conversation which conversation of the run it belongs to (they are numbered as they start)
 * @param turn its place in that conversation, from 0
 * @param arrivalNanos when the schedule wanted it sent; it leaves later when no session was free
 * @param chunkNanos arrival times of the text pieces, ascending (the array is never modified)
 * @param error a stable code for FAILED ({@code overloaded}, {@code http_500}, ...), else null
 * @param replica the server that answered, as it named itself (Quill's {@code X-Quill-Replica} header or
 *     {@code start} frame's {@code replica}); null when it did not say
 */
public record RequestRecord(int session, int conversation, int turn, boolean warmup, Status status, String error,
                            long arrivalNanos, long startNanos, long[] chunkNanos, long endNanos,
                            int promptTokens, int outputTokens, int cachedTokens, String replica) {

    /** A request whose server did not name itself. */
    public RequestRecord(int session, int conversation, int turn, boolean warmup, Status status, String error,
                         long arrivalNanos, long startNanos, long[] chunkNanos, long endNanos,
                         int promptTokens, int outputTokens, int cachedTokens) {
        this(session, conversation, turn, warmup, status, error, arrivalNanos, startNanos, chunkNanos, endNanos,
                promptTokens, outputTokens, cachedTokens, null);
    }

    /** How a request ended. */
    public enum Status {
        /** The server finished the answer. */
        OK,
        /** The server or the connection refused or broke it; {@link #error} says how. */
        FAILED,
        /** Still running when the run's time ran out, so the client cut it off. */
        INCOMPLETE
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /**
     * The output tokens each chunk is counted for: the server's count spread evenly over the
     * chunks (it may merge several tokens into one), 0 when no text arrived.
     */
    public double tokensPerChunk() {
        return chunkNanos.length == 0 ? 0 : (double) outputTokens / chunkNanos.length;
    }

    public boolean hasFirstToken() {
        return chunkNanos.length > 0;
    }

    public long ttftNanos() {
        if (!hasFirstToken()) {
            throw new IllegalStateException("no text arrived");
        }
        return chunkNanos[0] - startNanos;
    }

    /** Gaps between consecutive chunks: one fewer than the chunks. */
    public long[] itlNanos() {
        long[] gaps = new long[Math.max(0, chunkNanos.length - 1)];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = chunkNanos[i + 1] - chunkNanos[i];
        }
        return gaps;
    }

    /** Decode time per token after the first; NaN with fewer than two output tokens. */
    public double tpotNanos() {
        if (outputTokens < 2 || !hasFirstToken()) {
            return Double.NaN;
        }
        return (double) (endNanos - chunkNanos[0]) / (outputTokens - 1);
    }

    public long e2elNanos() {
        return endNanos - startNanos;
    }

    /** Time it waited on the client for a free session (open-loop arrivals only). */
    public long queueNanos() {
        return startNanos - arrivalNanos;
    }
}
