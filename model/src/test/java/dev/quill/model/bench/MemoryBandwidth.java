package dev.quill.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * This machine's memory read bandwidth, measured two independent ways on an array far larger than
 * the caches (the 32 MiB L3 here), so that every byte comes from DRAM as a decode step's weights do:
 * <ul>
 *   <li>PyTorch summing a float32 array through DJL, on the engine's intra-op threads: the same
 *       library and thread pool that stream the weights in a decode step;</li>
 *   <li>a plain Java loop summing a long[] on as many Java threads, as a cross-check that does not
 *       depend on PyTorch's kernels.</li>
 * </ul>
 */
final class MemoryBandwidth {

    private MemoryBandwidth() {
    }

    /** GB/s (10^9 bytes per second) of each of {@code reps} sums over {@code bytes}, after one warm-up. */
    static Stats torchSum(NDManager parent, long bytes, int reps) {
        try (NDManager m = parent.newSubManager()) {
            NDArray data = m.ones(new Shape(bytes / Float.BYTES), DataType.FLOAT32); // pages touched here
            data.sum().close();
            double[] gbs = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                try (NDArray s = data.sum()) {
                    s.getFloat(); // the sum is synchronous on CPU; read it anyway so nothing is deferred
                }
                gbs[i] = bytes / (double) (System.nanoTime() - t0);
            }
            return Stats.of(gbs);
        }
    }

    /** GB/s of each of {@code reps} sums over a {@code bytes} long[] split across {@code threads} Java threads. */
    static Stats javaLoop(long bytes, int threads, int reps) throws Exception {
        long[] data = new long[Math.toIntExact(bytes / Long.BYTES)];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            sumInParallel(data, threads, pool); // warm-up: compiles the loop
            double[] gbs = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                sumInParallel(data, threads, pool);
                gbs[i] = bytes / (double) (System.nanoTime() - t0);
            }
            return Stats.of(gbs);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long sumInParallel(long[] data, int threads, ExecutorService pool) throws Exception {
        List<Future<Long>> parts = new ArrayList<>();
        int chunk = data.length / threads;
        for (int t = 0; t < threads; t++) {
            int from = t * chunk;
            int to = t == threads - 1 ? data.length : from + chunk;
            parts.add(pool.submit(() -> sum(data, from, to)));
        }
        long total = 0;
        for (Future<Long> f : parts) {
            total += f.get();
        }
        return total;
    }

    /** Four independent accumulators, so the loop is bound by loads, not by one add chain. */
    private static long sum(long[] a, int from, int to) {
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return s0 + s1 + s2 + s3;
    }
}
