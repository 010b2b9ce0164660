package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bucketed nucleus against a full sort, including its edge cases. */
class NucleusTest {

    private static int[] keptIds(Candidates c) {
        int[] ids = Arrays.copyOf(c.ids(), c.size());
        Arrays.sort(ids);
        return ids;
    }

    /** Smallest ranked prefix reaching topP × total, with weights below minP dropped: a full sort. */
    private static int[] byFullSort(float[] w, double topP, double minP) {
        Integer[] order = new Integer[w.length];
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            order[i] = i;
            total += w[i];
        }
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Float.compare(w[b], w[a]) : Integer.compare(a, b));
        double cum = 0;
        int n = 0;
        while (n < w.length && w[order[n]] > 0 && w[order[n]] >= minP && cum < topP * total) {
            cum += w[order[n++]];
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = order[i];
        }
        Arrays.sort(ids);
        return ids;
    }

    @Test
    void matchesAFullSortAcrossShapesOfDistribution() {
        Random random = new Random(9);
        for (int trial = 0; trial < 100; trial++) {
            float[] w = new float[20_000];
            double scale = new double[] {0.3, 1, 3, 8}[trial % 4];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) Math.exp(-Math.abs(random.nextGaussian()) * scale);
            }
            w[random.nextInt(w.length)] = 1f; // the most likely token weighs exactly 1
            double total = 0;
            for (float x : w) {
                total += x;
            }
            double topP = new double[] {0.1, 0.5, 0.9, 0.99}[random.nextInt(4)];
            double minP = new double[] {0, 0.01, 0.2}[random.nextInt(3)];
            Candidates c = Nucleus.select(w, total, topP, minP);
            assertThat(keptIds(c)).as("trial %d", trial).isEqualTo(byFullSort(w, topP, minP));
            double sum = 0;
            for (int i = 0; i < c.size(); i++) {
                sum += c.weights()[i];
            }
            assertThat(c.total()).isCloseTo(sum, within(1e-9));
        }
    }

    @Test
    void aTargetJustAboveTheMassKeepsEveryCandidate() {
        float[] w = {0.5f, 1f, 0f, 0.25f};
        // A total a hair too large, as rounding could make it: no bucket ever reaches the target.
        Candidates c = Nucleus.select(w, 1.75 + 1e-9, 1.0 - 1e-12, 0);
        assertThat(keptIds(c)).containsExactly(0, 1, 3);
        assertThat(c.total()).isEqualTo(1.75);
    }

    @Test
    void theHeaviestTokenIsAlwaysKept() {
        float[] w = {0.9f, 1f, 0.95f};
        assertThat(keptIds(Nucleus.select(w, 2.85, 1e-6, 0))).containsExactly(1);
        assertThat(keptIds(Nucleus.select(w, 2.85, 0.5, 0.99))).containsExactly(1);
    }
}
