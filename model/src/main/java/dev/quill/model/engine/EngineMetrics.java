package dev.quill.model.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges the server exports. Written on the engine thread, read from any thread.
 * Latencies are kept as sums and counts (Prometheus summaries without quantiles); per-request
 * values travel in each request's {@link Usage}.
 */
public final class EngineMetrics {

    final AtomicLong queueDepth = new AtomicLong();
    final AtomicLong running = new AtomicLong();
    final AtomicLong kvTokensInUse = new AtomicLong();
    final AtomicLong kvTokenCapacity = new AtomicLong();
    final AtomicLong kvBlocks = new AtomicLong();        // the KV pool's blocks
    final AtomicLong kvBlocksHeld = new AtomicLong();    // held by running sequences
    final AtomicLong kvBlocksCached = new AtomicLong();  // held by nobody, keeping a prefix for reuse
    final AtomicLong kvBytesPerBlock = new AtomicLong();
    final LongAdder prefixHits = new LongAdder();
    final LongAdder prefixTokensReused = new LongAdder();
    final LongAdder requestsSubmitted = new LongAdder(); // accepted by submit, whatever became of them
    final LongAdder requestsFinished = new LongAdder();
    final LongAdder requestsFailed = new LongAdder();     // running requests ended by an error of their own
    final LongAdder promptTokens = new LongAdder();
    final LongAdder promptTokensComputed = new LongAdder(); // prompt tokens actually prefilled (not reused)
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder ttftNanosSum = new LongAdder();
    final LongAdder ttftCount = new LongAdder();
    final LongAdder itlNanosSum = new LongAdder();
    final LongAdder itlCount = new LongAdder();
    final LongAdder steps = new LongAdder();
    final AtomicLong nativeArraysLive = new AtomicLong(); // the decoder's arrays, counted between steps

    void prefixHit(int tokens) {
        prefixHits.increment();
        prefixTokensReused.add(tokens);
    }

    void firstToken(Sequence s) {
        Usage u = s.usageSoFar();
        ttftNanosSum.add(u.timeToFirstTokenNanos());
        ttftCount.increment();
    }

    void finished(Sequence s) {
        Usage u = s.usageSoFar();
        requestsFinished.increment();
        promptTokens.add(u.promptTokens());
        generatedTokens.add(u.completionTokens());
        if (u.completionTokens() >= 2) {
            itlNanosSum.add(u.interTokenNanos() * (u.completionTokens() - 1));
            itlCount.add(u.completionTokens() - 1);
        }
    }

    /** A consistent-enough copy for export. */
    public Snapshot snapshot() {
        return new Snapshot(queueDepth.get(), running.get(), kvTokensInUse.get(), kvTokenCapacity.get(),
                prefixHits.sum(), prefixTokensReused.sum(), requestsFinished.sum(), promptTokens.sum(),
                generatedTokens.sum(), promptTokensComputed.sum(), ttftNanosSum.sum(), ttftCount.sum(), itlNanosSum.sum(), itlCount.sum(),
                steps.sum(), nativeArraysLive.get(), requestsFailed.sum(), requestsSubmitted.sum(),
                kvBlocks.get(), kvBlocksHeld.get(), kvBlocksCached.get(), kvBytesPerBlock.get());
    }

    /**
     * Point-in-time values; sums and counts are cumulative. The KV pool: {@code kvBlocks} in all, of
     * which {@code kvBlocksHeld} are held by running sequences and {@code kvBlocksCached} keep finished
     * prefixes (evicted when needed); the rest are free. Bytes held = blocks x {@code kvBytesPerBlock}.
     */
    public record Snapshot(long queueDepth, long running, long kvTokensInUse, long kvTokenCapacity,
                           long prefixHits, long prefixTokensReused, long requestsFinished, long promptTokens,
                           long generatedTokens, long promptTokensComputed, long ttftNanosSum, long ttftCount, long itlNanosSum, long itlCount,
                           long steps, long nativeArraysLive, long requestsFailed, long requestsSubmitted,
                           long kvBlocks, long kvBlocksHeld, long kvBlocksCached, long kvBytesPerBlock) {
    }
}
