package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.LanguageModel;
import dev.quill.model.decoder.DecoderOptions;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.sampling.TokenScores;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.ReferenceDecoder;
import dev.quill.model.testing.TinyModel;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Log-probabilities the engine reports, against the plain-Java reference decoder: log-softmax of
 * the reference's logits, with the same logit bias and temperature applied, for the chosen token
 * and the top alternatives; the prompt's scores (echo) at every position, prompt taken in chunks.
 */
class LogprobsTest {
    private static final double TOLERANCE = 2e-3; // logits agree to 1e-4 relative; log-softmax adds no more than that

    @TempDir
    static Path dir;
    static TinyModel tiny;
    static LanguageModel model;

    @BeforeAll
    static void load() throws Exception {
        tiny = TinyModelFixture.write(dir, Family.LLAMA, Dtype.F32, false, 33);
        model = LanguageModel.load(dir, DecoderOptions.cpu(8, 0));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Engine engine(boolean cache) {
        return new Engine(model.decoder(), model.tokenizer(), model.eosIds(), new EngineOptions(64, 16, cache));
    }

    @Test
    void sampledTokensScoreAsTheReferenceDistributionWithBiasAndTemperature() throws Exception {
        int[] prompt = EngineTest.prompt(3, 21);
        Map<Integer, Float> bias = Map.of(5, 3.5f, 17, -2f);
        SamplingParams params = SamplingParams.builder().temperature(0.7).seed(9L).maxTokens(12).ignoreEos(true)
                .logitBias(bias).logprobs(5).build();
        ScoreCollector out = run(prompt, params, false);
        checkAgainstReference(prompt, out, bias, 1 / 0.7, 5);
    }

    @Test
    void greedyScoresAtTemperatureOneAndBatchingChangesNothing() throws Exception {
        try (Engine engine = engine(false)) {
            List<int[]> prompts = new ArrayList<>();
            List<ScoreCollector> scored = new ArrayList<>();
            List<Collector> plain = new ArrayList<>();
            for (int i = 0; i < 4; i++) { // each prompt twice in one batch: with and without logprobs
                int[] p = EngineTest.prompt(40 + i, 5 + 7 * i);
                prompts.add(p);
                SamplingParams base = i % 2 == 0 ? EngineTest.greedy(9)
                        : SamplingParams.builder().temperature(1).seed(70L + i).maxTokens(9).ignoreEos(true).build();
                ScoreCollector s = new ScoreCollector();
                Collector c = new Collector();
                engine.submit(new GenerationRequest(p, base.toBuilder().logprobs(i == 3 ? 0 : 20).build(), s));
                engine.submit(new GenerationRequest(p, base, c));
                scored.add(s);
                plain.add(c);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(scored.get(i).await()).isEqualTo(FinishReason.LENGTH);
                assertThat(plain.get(i).await()).isEqualTo(FinishReason.LENGTH);
                assertThat(scored.get(i).tokenArray()).as("prompt %d", i).containsExactly(plain.get(i).tokenArray());
                checkAgainstReference(prompts.get(i), scored.get(i), Map.of(), 1.0, i == 3 ? 0 : 20);
            }
            for (TokenScores s : scored.get(0).scores) { // greedy: the chosen token is the best one
                assertThat(s.topIds()[0]).isEqualTo(s.token());
            }
        }
    }

    @Test
    void promptScoresMatchTheReferenceAtEveryPositionEvenWhenTheCacheHoldsThePrompt() throws Exception {
        int[] prompt = EngineTest.prompt(8, 37); // 37 tokens in chunks of at most 16
        float[][] reference = tiny.reference().logits(prompt);
        try (Engine engine = engine(true)) {
            SamplingParams plain = EngineTest.greedy(3);
            Collector first = new Collector();
            engine.submit(new GenerationRequest(prompt, plain, first)); // leaves the prompt in the prefix cache
            first.await();
            ScoreCollector out = new ScoreCollector();
            engine.submit(new GenerationRequest(prompt, plain.toBuilder().promptLogprobs(4).logprobs(2).build(), out));
            assertThat(out.await()).isEqualTo(FinishReason.LENGTH);
            assertThat(out.usage.cachedTokens()).isZero();
            assertThat(out.firstScoredPromptToken).isEqualTo(1);
            assertThat(out.promptScores).hasSize(prompt.length - 1);
            for (int p = 1; p < prompt.length; p++) {
                TokenScores s = out.promptScores.get(p - 1);
                double[] lp = logSoftmax(reference[p - 1], Map.of(), 1.0);
                assertThat(s.token()).isEqualTo(prompt[p]);
                assertThat((double) s.logprob()).as("prompt token %d", p).isCloseTo(lp[prompt[p]], within());
                checkTop(s, lp, 4, "prompt token " + p);
            }
            assertThat(out.tokenArray()).containsExactly(first.tokenArray()); // scoring the prompt changes no answer
        }
    }

    private static ScoreCollector run(int[] prompt, SamplingParams params, boolean cache) throws Exception {
        try (Engine engine = engine(cache)) {
            ScoreCollector out = new ScoreCollector();
            engine.submit(new GenerationRequest(prompt, params, out));
            assertThat(out.await()).isEqualTo(FinishReason.LENGTH);
            return out;
        }
    }

    /** Every generated token's score against the reference's next-token distribution at that point. */
    private static void checkAgainstReference(int[] prompt, ScoreCollector out, Map<Integer, Float> bias,
                                              double inverseTemperature, int top) {
        int[] tokens = out.tokenArray();
        assertThat(out.scores).hasSize(tokens.length);
        ReferenceDecoder ref = tiny.reference();
        for (int j = 0; j < tokens.length; j++) {
            int[] context = Arrays.copyOf(prompt, prompt.length + j);
            System.arraycopy(tokens, 0, context, prompt.length, j);
            double[] lp = logSoftmax(ref.nextTokenLogits(context), bias, inverseTemperature);
            TokenScores s = out.scores.get(j);
            assertThat(s.token()).isEqualTo(tokens[j]);
            assertThat((double) s.logprob()).as("token %d", j).isCloseTo(lp[tokens[j]], within());
            checkTop(s, lp, top, "token " + j);
        }
    }

    /** The reported alternatives are the reference's {@code top} best, in order, with its values. */
    private static void checkTop(TokenScores s, double[] lp, int top, String what) {
        assertThat(s.topIds()).as(what).hasSize(top);
        double[] sorted = lp.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < top; i++) {
            assertThat((double) s.topLogprobs()[i]).as("%s alternative %d", what, i).isCloseTo(lp[s.topIds()[i]], within());
            // the i-th best by the reference, up to float ties
            assertThat((double) s.topLogprobs()[i]).as("%s rank %d", what, i)
                    .isCloseTo(sorted[sorted.length - 1 - i], within());
        }
    }

    /** log-softmax((logits + bias) / T) in double, one loop per step. */
    static double[] logSoftmax(float[] logits, Map<Integer, Float> bias, double inverseTemperature) {
        double[] x = new double[logits.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (logits[i] + bias.getOrDefault(i, 0f)) * inverseTemperature;
        }
        double max = Arrays.stream(x).max().orElseThrow();
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double logZ = max + Math.log(sum);
        for (int i = 0; i < x.length; i++) {
            x[i] -= logZ;
        }
        return x;
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(TOLERANCE);
    }
}
