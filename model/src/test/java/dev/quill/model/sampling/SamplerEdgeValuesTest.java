package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every legal parameter value at the edges of its range, against the plain reference of
 * {@link ReferenceDistributionTest} (or, where a distribution degenerates, a plain argmax loop).
 * The property that matters to the engine: a sampler returns a token id in [0, vocab) or throws;
 * it never returns -1 or anything outside the vocabulary.
 */
class SamplerEdgeValuesTest {

    private static final int VOCAB = 500;

    /** Gaussian logits, rounded so that many tie exactly, with a few masked out. */
    private static float[] randomLogits(Random random) {
        float[] x = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) {
            x[i] = (float) (Math.round(random.nextGaussian() * 8) / 4.0);
        }
        for (int i = 0; i < 20; i++) {
            x[random.nextInt(VOCAB)] = Float.NEGATIVE_INFINITY;
        }
        return x;
    }

    /** The reference greedy token: a plain loop over the penalised logits, lowest id on ties. */
    private static int argmax(float[] x) {
        int best = -1;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != Float.NEGATIVE_INFINITY && (best < 0 || x[i] > x[best])) {
                best = i;
            }
        }
        return best;
    }

    private record Case(float[] logits, int[] prompt, int[] generated, TokenHistory history) {
        static Case random(Random random) {
            int[] prompt = random.ints(random.nextInt(40), 0, VOCAB).toArray();
            int[] generated = random.ints(random.nextInt(40), 0, VOCAB).toArray();
            TokenHistory h = new TokenHistory(prompt);
            for (int id : generated) {
                h.append(id);
            }
            return new Case(randomLogits(random), prompt, generated, h);
        }

        float[] penalised(SamplingParams p) {
            return ReferenceDistributionTest.penalised(logits, prompt, generated, p);
        }
    }

    @Test
    void temperaturesTooSmallToInvertAreGreedy() {
        assertThat(1 / 1e-320).as("the issue's value overflows").isInfinite();
        double[] tiny = {Double.MIN_VALUE, 5e-324, 1e-320, 1e-310, 1e-300, 1e-100, 9.999e-6};
        Random random = new Random(31);
        for (double t : tiny) {
            for (int trial = 0; trial < 40; trial++) {
                Case c = Case.random(random);
                SamplingParams.Builder b = SamplingParams.builder().temperature(t).seed((long) trial)
                        .topK(new int[] {0, 1, 7, Integer.MAX_VALUE}[trial % 4])
                        .topP(new double[] {1, 0.5, Double.MIN_VALUE}[trial % 3])
                        .minP(new double[] {0, 0.3, 1}[trial % 3]);
                if (trial % 2 == 1) {
                    b.repetitionPenalty(1.3).presencePenalty(0.7).frequencyPenalty(-0.4);
                }
                SamplingParams p = b.build();
                assertThat(p.isGreedy()).isTrue();
                assertThat(Sampler.of(p).sample(c.logits(), c.history())).as("T=%s trial %d", t, trial)
                        .isEqualTo(argmax(c.penalised(p)));
            }
        }
    }

    @Test
    void atTheGreedyThresholdNearTiesAreSampledLikeTheReference() {
        float[] x = new float[VOCAB];
        Arrays.fill(x, -3f);
        for (int i = 0; i < 6; i++) {
            x[100 + 37 * i] = 1f + i * 2e-6f; // a few ulps apart: at T = 1e-5 they still compete
        }
        for (double t : new double[] {SamplingParams.GREEDY_BELOW, 3e-5, 1e-4}) {
            SamplingParams p = SamplingParams.builder().temperature(t).seed(1L).build();
            assertThat(p.isGreedy()).isFalse();
            assertMatchesReference(x, new int[0], new int[0], p);
            double[] d = ((RandomSampler) Sampler.of(p)).distribution(x, TokenHistory.empty());
            assertThat(Arrays.stream(d).filter(v -> v > 1e-3).count()).as("T=%s", t).isGreaterThan(1);
        }
    }

    @Test
    void topKAtAndBeyondTheVocabularyKeepsEveryToken() {
        Random random = new Random(32);
        for (int k : new int[] {VOCAB - 1, VOCAB, VOCAB + 1, Integer.MAX_VALUE}) {
            Case c = Case.random(random);
            assertMatchesReference(c, SamplingParams.builder().topK(k).temperature(1.3).seed(2L).build());
            assertMatchesReference(c, SamplingParams.builder().topK(k).topP(0.9).minP(0.01).seed(2L).build());
        }
    }

    @Test
    void theSmallestTopPAndTheLargestMinPKeepOnlyTheMostLikely() {
        Random random = new Random(33);
        for (double topP : new double[] {Double.MIN_VALUE, 1e-300, 1e-9}) {
            Case c = Case.random(random);
            for (int k : new int[] {0, 50}) {
                SamplingParams p = SamplingParams.builder().topP(topP).topK(k).seed(3L).build();
                assertMatchesReference(c, p);
                assertThat(Sampler.of(p).sample(c.logits(), c.history())).isEqualTo(argmax(c.logits()));
            }
        }
        Case c = Case.random(random);
        for (int k : new int[] {0, 50}) {
            SamplingParams p = SamplingParams.builder().minP(1).topK(k).seed(4L).build();
            assertMatchesReference(c, p); // every token tied for first stays, at equal odds
        }
    }

    @Test
    void extremePenaltiesGiveTheReferenceResultAndNeverNaN() {
        Random random = new Random(34);
        double[] repetitions = {Double.MIN_VALUE, 1e-300, 1e-30, 1e30, 1e300, Double.MAX_VALUE};
        for (double r : repetitions) {
            for (double other : new double[] {-2, 2}) {
                Case c = Case.random(random);
                SamplingParams p = SamplingParams.builder().repetitionPenalty(r).presencePenalty(other)
                        .frequencyPenalty(-other).seed(5L).build();
                float[] x = c.penalised(p);
                for (float v : x) {
                    assertThat(v).as("r=%s", r).isNotNaN();
                }
                int best = argmax(x);
                SamplingParams greedy = p.toBuilder().temperature(0).build();
                assertThat(Sampler.of(greedy).sample(c.logits(), c.history())).as("r=%s", r).isEqualTo(best);
                if (x[best] == Float.POSITIVE_INFINITY) { // a tiny penalty rounds positive logits to +inf
                    assertThat(Sampler.of(p).sample(c.logits(), c.history())).isEqualTo(best);
                } else {
                    assertMatchesReference(c, p);
                }
            }
        }
    }

    @Test
    void aVocabularyThatPenaltiesMaskEntirelyIsAnError() {
        float[] x = {-1f, -2f, -0.5f, Float.NEGATIVE_INFINITY};
        TokenHistory h = new TokenHistory(new int[] {0, 1, 2});
        for (SamplingParams p : new SamplingParams[] {
                SamplingParams.builder().temperature(0).repetitionPenalty(1e300).build(),
                SamplingParams.builder().repetitionPenalty(1e300).seed(1L).build(),
                SamplingParams.builder().repetitionPenalty(Double.MAX_VALUE).topK(2).seed(1L).build()}) {
            assertThatThrownBy(() -> Sampler.of(p).sample(x, h)).as("%s", p)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-inf");
        }
    }

    /** Random combinations of edge values: the result is always a token of the vocabulary. */
    @Test
    void everyEdgeCombinationSamplesATokenOfTheVocabulary() {
        double[] temperatures = {0, Double.MIN_VALUE, 1e-320, 1e-6, 1e-5, 0.01, 2};
        int[] topKs = {0, 1, 2, VOCAB, Integer.MAX_VALUE};
        double[] topPs = {Double.MIN_VALUE, 1e-12, 0.5, 1};
        double[] minPs = {0, Double.MIN_VALUE, 0.999, 1};
        double[] repetitions = {Double.MIN_VALUE, 0.5, 1, 2, Double.MAX_VALUE};
        double[] additive = {-2, 0, 2};
        Random random = new Random(35);
        for (int trial = 0; trial < 1500; trial++) {
            Case c = Case.random(random);
            if (trial % 5 == 0) {
                c.logits()[random.nextInt(VOCAB)] = Float.POSITIVE_INFINITY;
            }
            SamplingParams p = SamplingParams.builder().seed((long) trial)
                    .temperature(temperatures[random.nextInt(temperatures.length)])
                    .topK(topKs[random.nextInt(topKs.length)])
                    .topP(topPs[random.nextInt(topPs.length)])
                    .minP(minPs[random.nextInt(minPs.length)])
                    .repetitionPenalty(repetitions[random.nextInt(repetitions.length)])
                    .presencePenalty(additive[random.nextInt(3)])
                    .frequencyPenalty(additive[random.nextInt(3)]).build();
            int token = Sampler.of(p).sample(c.logits(), c.history());
            assertThat(token).as("trial %d %s", trial, p).isBetween(0, VOCAB - 1);
            assertThat(c.penalised(p)[token]).as("trial %d: a masked token", trial)
                    .isNotEqualTo(Float.NEGATIVE_INFINITY);
        }
    }

    private static void assertMatchesReference(Case c, SamplingParams p) {
        assertMatchesReference(c.logits(), c.prompt(), c.generated(), p);
    }

    private static void assertMatchesReference(float[] x, int[] prompt, int[] generated, SamplingParams p) {
        TokenHistory h = new TokenHistory(prompt);
        for (int id : generated) {
            h.append(id);
        }
        double[] expected = ReferenceDistributionTest.reference(x, prompt, generated, p);
        double[] actual = ((RandomSampler) Sampler.of(p)).distribution(x, h);
        for (int i = 0; i < x.length; i++) {
            assertThat(actual[i] > 0).as("token %d kept, %s", i, p).isEqualTo(expected[i] > 0);
            assertThat(Math.abs(actual[i] - expected[i])).as("token %d, %s", i, p).isLessThan(1e-5);
        }
    }
}
