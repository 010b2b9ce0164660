package dev.quill.model.bench;

import java.util.Arrays;

/**
 * Repeated measurements of one quantity. The machine is shared, so other work only ever slows a
 * run down: the median is the typical figure, the best one is closest to the machine's capability.
 */
record Stats(double min, double median, double max, double[] samples) {

    static Stats of(double... samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        int n = s.length;
        double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Stats(s[0], median, s[n - 1], samples.clone());
    }

    int n() {
        return samples.length;
    }

    /** "median (min–max, n runs)" with the given format for each figure. */
    String describe(String format) {
        return String.format(format + " (min " + format + ", max " + format + ", %d runs)", median, min, max, n());
    }
}
