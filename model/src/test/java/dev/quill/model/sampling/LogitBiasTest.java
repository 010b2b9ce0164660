package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** logit_bias: added after the penalties, before temperature, on the greedy path as on the random one. */
class LogitBiasTest {

    private static float[] gaussian(int vocab, long seed) {
        Random r = new Random(seed);
        float[] x = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        return x;
    }

    @Test
    void plus100ForcesATokenGreedyAndSampled() {
        float[] logits = gaussian(500, 1);
        int argmax = Ranking.argmax(logits);
        int forced = (argmax + 7) % logits.length;
        Map<Integer, Float> bias = Map.of(forced, 100f);
        assertThat(Sampler.of(SamplingParams.greedy().toBuilder().logitBias(bias).build())
                .sample(logits, TokenHistory.empty())).isEqualTo(forced);
        Sampler random = Sampler.of(SamplingParams.builder().temperature(1.5).seed(3L).logitBias(bias).build());
        Sampler topK = Sampler.of(SamplingParams.builder().topK(5).topP(0.9).seed(3L).logitBias(bias).build());
        for (int i = 0; i < 2_000; i++) {
            assertThat(random.sample(logits, TokenHistory.empty())).isEqualTo(forced);
            assertThat(topK.sample(logits, TokenHistory.empty())).isEqualTo(forced);
        }
    }

    @Test
    void minus100ForbidsATokenGreedyAndSampled() {
        float[] logits = gaussian(50, 2);
        int argmax = Ranking.argmax(logits);
        logits[argmax] += 8; // the favourite by far: unbiased, it is drawn nearly always
        Map<Integer, Float> bias = Map.of(argmax, -100f);
        assertThat(Sampler.of(SamplingParams.greedy()).sample(logits, TokenHistory.empty())).isEqualTo(argmax);
        assertThat(Sampler.of(SamplingParams.greedy().toBuilder().logitBias(bias).build())
                .sample(logits, TokenHistory.empty())).isNotEqualTo(argmax);
        Sampler random = Sampler.of(SamplingParams.builder().seed(5L).logitBias(bias).build());
        for (int i = 0; i < 5_000; i++) {
            assertThat(random.sample(logits, TokenHistory.empty())).isNotEqualTo(argmax);
        }
    }

    @Test
    void theEngineLogitsAreNotWrittenAndIdsPastTheVocabularyAreSkipped() {
        float[] logits = gaussian(20, 3);
        float[] before = logits.clone();
        int low = Ranking.argmax(logits) == 0 ? 1 : 0;
        Sampler s = Sampler.of(SamplingParams.greedy().toBuilder().logitBias(Map.of(low, 50f, 1_000, 100f)).build());
        assertThat(s.sample(logits, TokenHistory.empty())).isEqualTo(low);
        assertThat(logits).isEqualTo(before);
    }

    @Test
    void outOfRangeBiasesAndTooManyEntriesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> SamplingParams.builder().logitBias(Map.of(1, 100.5f)).build())
                .isInstanceOf(InvalidSamplingParamException.class).hasMessageContaining("logit_bias");
        assertThatThrownBy(() -> SamplingParams.builder().logitBias(Map.of(1, Float.NaN)).build())
                .isInstanceOf(InvalidSamplingParamException.class);
        assertThatThrownBy(() -> SamplingParams.builder().logitBias(Map.of(-1, 1f)).build())
                .isInstanceOf(InvalidSamplingParamException.class);
        Map<Integer, Float> many = new HashMap<>();
        for (int i = 0; i <= SamplingParams.MAX_LOGIT_BIAS; i++) {
            many.put(i, 1f);
        }
        assertThatThrownBy(() -> SamplingParams.builder().logitBias(many).build())
                .isInstanceOf(InvalidSamplingParamException.class).hasMessageContaining("at most 300");
    }
}
