package dev.quill.model.decoder;

/** Comparison of logit rows for numerics tests. */
final class Logits {

    private Logits() {
    }

    /** max |a - b| over the row, relative to the row's largest magnitude in {@code expected}. */
    static double relativeError(float[] actual, float[] expected) {
        double maxDiff = 0;
        double scale = 1e-6;
        for (int i = 0; i < expected.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return maxDiff / scale;
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
