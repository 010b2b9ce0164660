package dev.quill.server.loadtest;

/**
 * Equal-width bins of one latency for the report's charts. The range runs from 0 to the largest
 * sample, unless a few outliers lie far past the 99th percentile: then it ends at twice the p99
 * and the outliers are counted in {@code overflow}, so one stall does not squash every bar.
 */
public record Histogram(double width, int[] counts, int overflow) {

    public static Histogram of(double[] values, int bins) {
        if (values.length == 0) {
            return new Histogram(0, new int[0], 0);
        }
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        double p99 = Percentiles.percentile(sorted, 99);
        double hi = max > 2 * p99 && p99 > 0 ? 2 * p99 : max;
        double width = hi > 0 ? hi / bins : 1;
        int[] counts = new int[bins];
        int overflow = 0;
        for (double v : values) {
            if (v > hi) {
                overflow++;
            } else {
                counts[Math.min(bins - 1, (int) (Math.max(0, v) / width))]++;
            }
        }
        return new Histogram(width, counts, overflow);
    }
}
