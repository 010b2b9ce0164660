package dev.quill.server.loadtest;

import java.util.Arrays;

/**
 * Mean, spread and percentiles of one latency, in milliseconds. Percentiles interpolate linearly
 * between the closest ranks, as numpy.percentile does by default, so they match vLLM's benchmark
 * on the same samples. With no samples every field is 0 (vLLM reports 0 too).
 *
 * @param std the population standard deviation (numpy.std's default)
 */
public record Percentiles(int count, double mean, double median, double std, double p90, double p99,
                          double min, double max) {

    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0, 0, 0);

    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / sorted.length;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        return new Percentiles(sorted.length, mean, percentile(sorted, 50), Math.sqrt(squares / sorted.length),
                percentile(sorted, 90), percentile(sorted, 99), sorted[0], sorted[sorted.length - 1]);
    }

    /** The p-th percentile (0..100) of ascending values: rank p/100 * (n - 1), interpolated. */
    public static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
