package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the samplers through the public API. Statistical tests use fixed seeds, so they
 * are deterministic; their bounds are many standard deviations wide all the same.
 */
class SamplerTest {
    private static final int DRAWS = 20_000;

    private static SamplingParams.Builder seeded(long seed) {
        return SamplingParams.builder().seed(seed);
    }

    /** How often each id is drawn in {@code n} draws from the same logits and history. */
    private static int[] histogram(Sampler sampler, float[] logits, TokenHistory h, int n) {
        int[] counts = new int[logits.length];
        for (int i = 0; i < n; i++) {
            counts[sampler.sample(logits, h)]++;
        }
        return counts;
    }

    private static Set<Integer> drawn(int[] counts) {
        return IntStream.range(0, counts.length).filter(i -> counts[i] > 0).boxed().collect(Collectors.toSet());
    }

    /** Logits whose softmax is exactly (up to rounding) {@code probs}. */
    private static float[] logitsOf(double... probs) {
        float[] x = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            x[i] = (float) Math.log(probs[i]);
        }
        return x;
    }

    private static float[] gaussian(Random random, int vocab, double scale) {
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = (float) (random.nextGaussian() * scale);
        }
        return x;
    }

    /** The ids of the k largest logits, lowest id first among equals: a plain boxed sort. */
    private static Set<Integer> largest(float[] x, int k) {
        return IntStream.range(0, x.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -x[i]).thenComparing(i -> i))
                .limit(k).collect(Collectors.toSet());
    }

    @Test
    void greedyPicksTheArgmaxAndTheLowestIdOnTies() {
        Sampler greedy = Sampler.of(SamplingParams.greedy());
        assertThat(greedy.sample(new float[] {0.1f, 2.5f, -1f, 2.4f}, TokenHistory.empty())).isEqualTo(1);
        assertThat(greedy.sample(new float[] {1f, 3f, 3f, 2f}, TokenHistory.empty())).isEqualTo(1);
        assertThat(greedy.sample(new float[] {Float.NEGATIVE_INFINITY, -5f, Float.NEGATIVE_INFINITY}, TokenHistory.empty()))
                .isEqualTo(1);
        float[] x = gaussian(new Random(3), 50_000, 4);
        int expected = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[expected]) {
                expected = i;
            }
        }
        assertThat(greedy.sample(x, TokenHistory.empty())).isEqualTo(expected);
    }

    @Test
    void greedyArgmaxIsTakenAfterPenalties() {
        float[] x = {2.0f, 1.9f};
        TokenHistory h = new TokenHistory(new int[] {0});
        assertThat(Sampler.of(SamplingParams.greedy()).sample(x, h)).isZero();
        Sampler penalised = Sampler.of(SamplingParams.greedy().toBuilder().repetitionPenalty(1.2).build());
        assertThat(penalised.sample(x, h)).isEqualTo(1); // 2.0 / 1.2 < 1.9
    }

    @Test
    void topKOfOneEqualsGreedy() {
        Random random = new Random(11);
        Sampler greedy = Sampler.of(SamplingParams.greedy());
        Sampler topOne = Sampler.of(seeded(5).topK(1).temperature(1.5).build());
        for (int step = 0; step < 200; step++) {
            float[] x = gaussian(random, 1000, 3);
            if (step % 2 == 0) {
                x[random.nextInt(1000)] = 100f; // a tie for first place
                x[random.nextInt(1000)] = 100f;
            }
            assertThat(topOne.sample(x, TokenHistory.empty())).isEqualTo(greedy.sample(x, TokenHistory.empty()));
        }
    }

    @Test
    void topKNeverSamplesOutsideTheKLargest() {
        float[] x = gaussian(new Random(2), 5000, 1);
        Sampler sampler = Sampler.of(seeded(9).topK(10).build());
        Set<Integer> drawn = drawn(histogram(sampler, x, TokenHistory.empty(), DRAWS));
        assertThat(largest(x, 10)).containsAll(drawn);
        assertThat(drawn).hasSize(10); // it does sample: with a flat head every one of the ten shows up
    }

    @Test
    void topKBreaksTiesAtTheBoundaryByLowestId() {
        float[] x = {1f, 5f, 3f, 3f, 3f, 0f};
        int[] counts = histogram(Sampler.of(seeded(4).topK(3).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(drawn(counts)).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void topPNeverSamplesOutsideTheNucleus() {
        float[] x = logitsOf(0.05, 0.5, 0.1, 0.3, 0.05);
        int[] twoOf = histogram(Sampler.of(seeded(1).topP(0.75).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(drawn(twoOf)).containsExactlyInAnyOrder(1, 3);
        assertThat(twoOf[1] / (double) DRAWS).isCloseTo(0.5 / 0.8, within(0.03)); // renormalised

        int[] threeOf = histogram(Sampler.of(seeded(1).topP(0.85).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(drawn(threeOf)).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void topPFindsTheNucleusInALargeVocabulary() {
        // 3 heavy tokens hold 90% of the mass (30% each), the flat tail of 49,997 the other 10%.
        float[] x = new float[50_000];
        float heavy = (float) Math.log(0.9 * (x.length - 3) / (3 * 0.1));
        x[7] = heavy;
        x[123] = heavy;
        x[40_000] = heavy;
        int[] counts = histogram(Sampler.of(seeded(3).topP(0.85).build()), x, TokenHistory.empty(), 1000);
        assertThat(drawn(counts)).containsExactlyInAnyOrder(7, 123, 40_000);
        // At 0.95 the nucleus takes 1/2 of the tail's mass: its tied tokens by lowest id.
        int[] wider = histogram(Sampler.of(seeded(3).topP(0.95).build()), x, TokenHistory.empty(), 1000);
        assertThat(drawn(wider).size()).isGreaterThan(20);
        assertThat(drawn(wider)).allMatch(id -> id < 25_100 || id == 40_000);
    }

    @Test
    void topPIsTakenOverTheTopKDistribution() {
        // Top-2 renormalises {0.4, 0.3} to {0.571, 0.429}; top-p 0.5 then keeps only the first.
        float[] x = logitsOf(0.4, 0.3, 0.2, 0.1);
        int[] counts = histogram(Sampler.of(seeded(8).topK(2).topP(0.5).build()), x, TokenHistory.empty(), 2000);
        assertThat(drawn(counts)).containsExactly(0);
    }

    @Test
    void minPExcludesTokensBelowMinPTimesTheMostLikely() {
        float[] x = logitsOf(0.06, 0.4, 0.3, 0.04, 0.2);
        int[] counts = histogram(Sampler.of(seeded(6).minP(0.2).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(drawn(counts)).containsExactlyInAnyOrder(1, 2, 4); // threshold 0.2 × 0.4 = 0.08
        assertThat(counts[1] / (double) DRAWS).isCloseTo(0.4 / 0.9, within(0.03));
    }

    @Test
    void lowTemperatureConcentratesAndHighTemperatureSpreads() {
        float[] x = {2f, 1f, 0f, -1f};
        int[] cold = histogram(Sampler.of(seeded(12).temperature(0.05).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(cold[0]).isEqualTo(DRAWS); // the runner-up has odds e^-20

        int[] hot = histogram(Sampler.of(seeded(12).temperature(2).build()), x, TokenHistory.empty(), DRAWS);
        double[] expected = softmax(new double[] {1, 0.5, 0, -0.5});
        for (int i = 0; i < x.length; i++) {
            assertThat(hot[i] / (double) DRAWS).isCloseTo(expected[i], within(0.02));
        }
        int[] plain = histogram(Sampler.of(seeded(12).build()), x, TokenHistory.empty(), DRAWS);
        assertThat(hot[0]).isLessThan(plain[0]);
        assertThat(hot[3]).isGreaterThan(plain[3]);
    }

    @Test
    void repetitionPenaltyLowersARepeatedTokensChance() {
        float[] x = {1f, 1f};
        TokenHistory h = TokenHistory.empty();
        h.append(0);
        SamplingParams p = seeded(13).repetitionPenalty(1.5).build();
        int[] counts = histogram(Sampler.of(p), x, h, DRAWS);
        double expected = Math.exp(1 / 1.5) / (Math.exp(1 / 1.5) + Math.exp(1));
        assertThat(counts[0] / (double) DRAWS).isCloseTo(expected, within(0.02));
        assertThat(((RandomSampler) Sampler.of(p)).distribution(x, h)[0]).isCloseTo(expected, within(1e-6));
    }

    @Test
    void sameSeedGivesTheSameTokensAndOtherSeedsDiffer() {
        int[] a = generate(42, 300);
        assertThat(generate(42, 300)).isEqualTo(a);
        assertThat(generate(43, 300)).isNotEqualTo(a);
    }

    @Test
    void aSeededSequenceIgnoresItsNeighboursInTheBatch() {
        int[] alone = generate(42, 100);
        Sampler mine = Sampler.of(seeded(42).topP(0.9).repetitionPenalty(1.1).build());
        Sampler neighbour = Sampler.of(SamplingParams.defaults()); // unseeded
        TokenHistory h = TokenHistory.empty();
        Random logits = new Random(100);
        int[] batched = new int[100];
        for (int i = 0; i < 100; i++) {
            float[] x = gaussian(logits, 500, 2);
            neighbour.sample(x, TokenHistory.empty());
            batched[i] = mine.sample(x, h);
            h.append(batched[i]);
            neighbour.sample(x, TokenHistory.empty());
        }
        assertThat(batched).isEqualTo(alone);
    }

    /** A seeded sequence over a fixed stream of logits, each token appended to its history. */
    private static int[] generate(long seed, int steps) {
        Sampler sampler = Sampler.of(seeded(seed).topP(0.9).repetitionPenalty(1.1).build());
        TokenHistory h = TokenHistory.empty();
        Random logits = new Random(100);
        int[] tokens = new int[steps];
        for (int i = 0; i < steps; i++) {
            tokens[i] = sampler.sample(gaussian(logits, 500, 2), h);
            h.append(tokens[i]);
        }
        return tokens;
    }

    @Test
    void theCallersLogitsAreNeverWritten() {
        float[] x = gaussian(new Random(5), 2000, 3);
        float[] before = x.clone();
        TokenHistory h = new TokenHistory(new int[] {1, 2, 3});
        h.append(4);
        SamplingParams all = seeded(1).repetitionPenalty(1.3).presencePenalty(0.5).frequencyPenalty(0.5)
                .temperature(0.8).build();
        for (SamplingParams p : new SamplingParams[] {all, all.toBuilder().topK(20).build(),
                all.toBuilder().topP(0.9).minP(0.1).build(), all.toBuilder().temperature(0).build()}) {
            Sampler.of(p).sample(x, h);
            assertThat(x).isEqualTo(before);
        }
    }

    @Test
    void infiniteLogitsAreCertainAndAFullyMaskedVocabularyIsAnError() {
        float[] x = {0f, Float.POSITIVE_INFINITY, 1f};
        assertThat(Sampler.of(seeded(1).build()).sample(x, TokenHistory.empty())).isEqualTo(1);
        assertThat(Sampler.of(seeded(1).topK(2).build()).sample(x, TokenHistory.empty())).isEqualTo(1);
        float[] masked = new float[8];
        Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        for (SamplingParams p : new SamplingParams[] {SamplingParams.greedy(), seeded(1).build(),
                seeded(1).topK(2).build()}) {
            assertThatThrownBy(() -> Sampler.of(p).sample(masked, TokenHistory.empty()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-inf");
        }
    }

    @Test
    void aNaNLogitIsAnErrorOnEveryPath() {
        float[] x = gaussian(new Random(8), 300, 2);
        x[117] = Float.NaN;
        TokenHistory h = new TokenHistory(new int[] {1, 2});
        for (SamplingParams p : new SamplingParams[] {SamplingParams.greedy(), seeded(1).build(),
                seeded(1).topK(5).build(), seeded(1).topP(0.5).build(), seeded(1).minP(0.1).build(),
                seeded(1).repetitionPenalty(1.3).build(), seeded(1).topK(5).presencePenalty(1).build(),
                SamplingParams.greedy().toBuilder().frequencyPenalty(1).build()}) {
            assertThatThrownBy(() -> Sampler.of(p).sample(x, h)).as("%s", p)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at token id 117");
        }
    }

    @Test
    void maskedTokensAreNeverDrawn() {
        float[] x = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        for (SamplingParams p : new SamplingParams[] {seeded(2).build(), seeded(2).topK(4).build(),
                seeded(2).topP(0.99).build(), seeded(2).minP(0.5).build()}) {
            assertThat(drawn(histogram(Sampler.of(p), x, TokenHistory.empty(), 2000)))
                    .as("%s", p).containsExactlyInAnyOrder(1, 3);
        }
    }

    @Test
    void aLargeVocabularyWithEveryStageSamplesValidIds() {
        Random random = new Random(21);
        Sampler sampler = Sampler.of(seeded(21).temperature(0.7).topP(0.95).minP(0.01)
                .repetitionPenalty(1.1).frequencyPenalty(0.2).build());
        TokenHistory h = new TokenHistory(random.ints(2000, 0, 152_064).toArray());
        for (int i = 0; i < 20; i++) {
            int token = sampler.sample(gaussian(random, 152_064, 3), h);
            assertThat(token).isBetween(0, 152_063);
            h.append(token);
        }
    }

    static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElseThrow();
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
