package dev.quill.server.loadtest;

import java.util.List;

/**
 * The run second by second, warm-up included (the report shades it): output tokens that arrived,
 * requests that finished or failed, and the mean number of requests in flight over the second
 * (each request adds the fraction of the second it was running). Second {@code i} covers
 * [i, i+1) seconds after the run started.
 */
public record Timeline(double[] outputTokens, int[] completed, int[] failed, double[] meanInFlight) {

    private static final long SECOND = 1_000_000_000L;

    /** @param endNanos when the run ended (the last bucket holds it) */
    public static Timeline of(List<RequestRecord> all, long endNanos) {
        int n = (int) (Math.max(0, endNanos) / SECOND) + 1;
        double[] tokens = new double[n];
        int[] completed = new int[n];
        int[] failed = new int[n];
        double[] inFlight = new double[n];
        for (RequestRecord r : all) {
            double perChunk = r.tokensPerChunk();
            for (long t : r.chunkNanos()) {
                tokens[bucket(t, n)] += perChunk;
            }
            int end = bucket(r.endNanos(), n);
            switch (r.status()) {
                case OK -> completed[end]++;
                case FAILED -> failed[end]++;
                case INCOMPLETE -> { }
            }
            for (int s = bucket(r.startNanos(), n); s <= end; s++) {
                long from = Math.max(r.startNanos(), s * SECOND);
                long to = Math.min(r.endNanos(), (s + 1) * SECOND);
                inFlight[s] += Math.max(0, to - from) / (double) SECOND;
            }
        }
        return new Timeline(tokens, completed, failed, inFlight);
    }

    private static int bucket(long nanos, int n) {
        return (int) Math.min(n - 1, Math.max(0, nanos / SECOND));
    }
}
