package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The distribution the fast path draws from, against a plain reference written separately: one
 * loop per formula over the whole vocabulary, a boxed full sort, probabilities in double.
 */
class ReferenceDistributionTest {

    /** Penalties → temperature → softmax → top-k → top-p → min-p → renormalise. */
    static double[] reference(float[] logits, int[] prompt, int[] generated, SamplingParams p) {
        int vocab = logits.length;
        float[] x = penalised(logits, prompt, generated, p);
        double[] z = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            z[i] = x[i] / p.temperature();
        }
        double[] prob = SamplerTest.softmax(z);
        return truncated(x, prob, p);
    }

    /** Repetition penalty over prompt and generated tokens, then frequency and presence over generated ones. */
    static float[] penalised(float[] logits, int[] prompt, int[] generated, SamplingParams p) {
        int vocab = logits.length;
        float[] x = logits.clone();
        boolean[] seen = new boolean[vocab];
        int[] count = new int[vocab];
        for (int id : prompt) {
            seen[id] = true;
        }
        for (int id : generated) {
            seen[id] = true;
            count[id]++;
        }
        double rp = p.repetitionPenalty();
        for (int i = 0; i < vocab; i++) {
            if (seen[i]) {
                x[i] = (float) (x[i] > 0 ? x[i] / rp : x[i] * rp);
            }
        }
        for (int i = 0; i < vocab; i++) {
            x[i] -= count[i] * (float) p.frequencyPenalty() + (count[i] > 0 ? (float) p.presencePenalty() : 0f);
        }
        return x;
    }

    /** Top-k, top-p and min-p over {@code prob} (ranked by the penalised logits {@code x}), renormalised. */
    static double[] truncated(float[] x, double[] prob, SamplingParams p) {
        int vocab = x.length;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < vocab; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -x[i]).thenComparing(i -> i));
        boolean[] keep = new boolean[vocab];
        int k = p.topK() == 0 ? vocab : Math.min(p.topK(), vocab);
        double massK = 0;
        for (int r = 0; r < k; r++) {
            keep[order.get(r)] = true;
            massK += prob[order.get(r)];
        }
        if (p.topP() < 1) {
            double cum = 0;
            for (int r = 0; r < k; r++) {
                int id = order.get(r);
                if (cum >= p.topP()) {
                    keep[id] = false;
                }
                cum += prob[id] / massK;
            }
        }
        double pMax = prob[order.get(0)];
        for (int i = 0; i < vocab; i++) {
            if (prob[i] < p.minP() * pMax) {
                keep[i] = false;
            }
        }
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            total += keep[i] ? prob[i] : 0;
        }
        double[] out = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            out[i] = keep[i] ? prob[i] / total : 0;
        }
        return out;
    }

    @Test
    void fastPathMatchesTheReferenceOverManyRandomCases() {
        Random random = new Random(2024);
        double[] temperatures = {0.3, 0.7, 1.0, 1.6};
        int[] topKs = {0, 1, 5, 50, 700};
        double[] topPs = {1.0, 0.95, 0.9, 0.5, 0.1};
        double[] minPs = {0, 0.02, 0.3};
        double[] scales = {0.5, 2, 6};
        for (int trial = 0; trial < 300; trial++) {
            int vocab = 3000;
            float[] x = new float[vocab];
            double scale = scales[random.nextInt(scales.length)];
            boolean ties = random.nextBoolean();
            for (int i = 0; i < vocab; i++) {
                double v = random.nextGaussian() * scale;
                x[i] = (float) (ties ? Math.round(v * 4) / 4.0 : v); // rounding makes many exact ties
            }
            int[] prompt = random.ints(random.nextInt(50), 0, vocab).toArray();
            int[] generated = random.ints(random.nextInt(50), 0, vocab).toArray();
            SamplingParams.Builder b = SamplingParams.builder().seed(1L)
                    .temperature(temperatures[random.nextInt(temperatures.length)])
                    .topK(topKs[random.nextInt(topKs.length)])
                    .topP(topPs[random.nextInt(topPs.length)])
                    .minP(minPs[random.nextInt(minPs.length)]);
            if (random.nextBoolean()) {
                b.repetitionPenalty(0.8 + random.nextDouble()).presencePenalty(random.nextDouble() * 2 - 1)
                        .frequencyPenalty(random.nextDouble() * 2 - 1);
            }
            SamplingParams p = b.build();
            TokenHistory h = new TokenHistory(prompt);
            for (int id : generated) {
                h.append(id);
            }

            double[] expected = reference(x, prompt, generated, p);
            double[] actual = ((RandomSampler) Sampler.of(p)).distribution(x, h);
            for (int i = 0; i < vocab; i++) {
                assertThat(actual[i] > 0).as("trial %d token %d kept, %s", trial, i, p).isEqualTo(expected[i] > 0);
                assertThat(Math.abs(actual[i] - expected[i])).as("trial %d token %d, %s", trial, i, p)
                        .isLessThan(1e-5);
            }
        }
    }
}
