package dev.quill.server.loadtest;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.DoubleStream;

/**
 * The measured requests of a run reduced to the numbers a benchmark publishes. Throughputs divide
 * by the measured duration (from the end of the warm-up to the end of the last measured request),
 * as vLLM divides by its benchmark duration. Latencies are in milliseconds.
 *
 * @param completed requests the server finished
 * @param failed requests refused or broken ({@link #errors} by code)
 * @param incomplete requests cut off when the run's time ran out (neither completed nor failed)
 * @param maxOutputTokensPerS output tokens in the busiest one-second window (vLLM's
 *                            max_output_tokens_per_s, windows counted from the first request)
 * @param maxConcurrentRequests most completed requests in flight at one instant
 * @param queueMs time arrivals waited on the client for a free session (open loop only)
 */
public record Summary(double durationSeconds, int completed, int failed, int incomplete,
                      long totalInputTokens, long totalOutputTokens, long totalCachedTokens,
                      double requestThroughput, double outputThroughput, double totalTokenThroughput,
                      double maxOutputTokensPerS, int maxConcurrentRequests,
                      Percentiles ttftMs, Percentiles tpotMs, Percentiles itlMs, Percentiles e2elMs,
                      Percentiles queueMs, Map<String, Integer> errors) {

    private static final double MS = 1e6;

    /** @param measured the requests outside the warm-up, in any order */
    public static Summary of(List<RequestRecord> measured, double durationSeconds) {
        List<RequestRecord> ok = measured.stream().filter(RequestRecord::ok).toList();
        Map<String, Integer> errors = new TreeMap<>();
        int incomplete = 0;
        for (RequestRecord r : measured) {
            switch (r.status()) {
                case FAILED -> errors.merge(r.error(), 1, Integer::sum);
                case INCOMPLETE -> incomplete++;
                case OK -> { }
            }
        }
        long in = 0;
        long out = 0;
        long cached = 0;
        for (RequestRecord r : ok) {
            in += r.promptTokens();
            out += r.outputTokens();
            cached += r.cachedTokens();
        }
        Samples ms = Samples.of(ok);
        double d = durationSeconds > 0 ? durationSeconds : Double.POSITIVE_INFINITY; // nothing measured: rates of 0
        return new Summary(durationSeconds, ok.size(), errors.values().stream().mapToInt(Integer::intValue).sum(),
                incomplete, in, out, cached, ok.size() / d, out / d, (in + out) / d,
                peakTokensPerSecond(ok), peakConcurrency(ok),
                Percentiles.of(ms.ttft()), Percentiles.of(ms.tpot()), Percentiles.of(ms.itl()), Percentiles.of(ms.e2el()),
                Percentiles.of(ms.queue()), errors);
    }

    /** The latency samples of completed requests, in milliseconds: what the percentiles and histograms are of. */
    record Samples(double[] ttft, double[] tpot, double[] itl, double[] e2el, double[] queue) {

        static Samples of(List<RequestRecord> ok) {
            DoubleStream.Builder ttft = DoubleStream.builder(); // primitive buffers: a long run has millions of ITLs
            DoubleStream.Builder tpot = DoubleStream.builder();
            DoubleStream.Builder itl = DoubleStream.builder();
            DoubleStream.Builder e2el = DoubleStream.builder();
            DoubleStream.Builder queue = DoubleStream.builder();
            for (RequestRecord r : ok) {
                if (r.hasFirstToken()) {
                    ttft.add(r.ttftNanos() / MS);
                }
                if (!Double.isNaN(r.tpotNanos())) {
                    tpot.add(r.tpotNanos() / MS);
                }
                for (long gap : r.itlNanos()) {
                    itl.add(gap / MS);
                }
                e2el.add(r.e2elNanos() / MS);
                queue.add(r.queueNanos() / MS);
            }
            return new Samples(ttft.build().toArray(), tpot.build().toArray(), itl.build().toArray(),
                    e2el.build().toArray(), queue.build().toArray());
        }
    }

    /** Output tokens per one-second window from the first start; a chunk carries its share of the tokens. */
    static double peakTokensPerSecond(List<RequestRecord> ok) {
        if (ok.isEmpty()) {
            return 0;
        }
        long first = ok.stream().mapToLong(RequestRecord::startNanos).min().orElseThrow();
        long last = ok.stream().mapToLong(RequestRecord::endNanos).max().orElseThrow();
        double[] buckets = new double[(int) ((last - first) / 1_000_000_000L) + 1];
        for (RequestRecord r : ok) {
            double perChunk = r.tokensPerChunk();
            for (long t : r.chunkNanos()) {
                buckets[(int) ((t - first) / 1_000_000_000L)] += perChunk;
            }
        }
        double max = 0;
        for (double b : buckets) {
            max = Math.max(max, b);
        }
        return max;
    }

    /** Most requests in flight at once, over half-open [start, end) intervals. */
    static int peakConcurrency(List<RequestRecord> ok) {
        long[][] events = new long[ok.size() * 2][];
        int i = 0;
        for (RequestRecord r : ok) {
            events[i++] = new long[] {r.startNanos(), 1};
            events[i++] = new long[] {r.endNanos(), -1};
        }
        java.util.Arrays.sort(events, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int peak = 0;
        for (long[] e : events) {
            now += (int) e[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }
}
