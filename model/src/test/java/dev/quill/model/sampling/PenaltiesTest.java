package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Exact arithmetic of each penalty, on values that are exact in float. */
class PenaltiesTest {

    private static float[] penalised(float[] logits, TokenHistory h, SamplingParams p) {
        float[] x = logits.clone();
        Penalties.apply(x, h, p);
        return x;
    }

    @Test
    void repetitionDividesPositiveAndMultipliesNegativeOverPromptAndGenerated() {
        TokenHistory h = new TokenHistory(new int[] {0, 0, 3});
        h.append(1);
        SamplingParams p = SamplingParams.builder().repetitionPenalty(2).build();
        float[] x = penalised(new float[] {3f, -1.5f, 5f, 0f}, h, p);
        // id 0 in the prompt twice: penalised once, not per occurrence.
        assertThat(x).containsExactly(1.5f, -3f, 5f, 0f);
    }

    @Test
    void presenceAndFrequencySubtractOverGeneratedOnly() {
        TokenHistory h = new TokenHistory(new int[] {3});
        h.append(1);
        h.append(1);
        h.append(1);
        h.append(2);
        SamplingParams p = SamplingParams.builder().presencePenalty(0.25).frequencyPenalty(0.5).build();
        float[] x = penalised(new float[] {1f, 1f, 1f, 1f}, h, p);
        // x - count * frequency - presence; id 3 is only in the prompt.
        assertThat(x).containsExactly(1f, 1f - 3 * 0.5f - 0.25f, 1f - 0.5f - 0.25f, 1f);
    }

    @Test
    void repetitionComesBeforePresenceAndFrequency() {
        TokenHistory h = new TokenHistory(new int[] {0});
        h.append(1);
        h.append(1);
        h.append(2);
        SamplingParams p = SamplingParams.builder()
                .repetitionPenalty(2).frequencyPenalty(0.5).presencePenalty(0.25).build();
        float[] x = penalised(new float[] {2f, -2f, 1f, 0.5f}, h, p);
        assertThat(x).containsExactly(1f, -4f - 2 * 0.5f - 0.25f, 0.5f - 0.5f - 0.25f, 0.5f);
    }

    @Test
    void negativePenaltiesEncourageRepetition() {
        TokenHistory h = TokenHistory.empty();
        h.append(0);
        SamplingParams p = SamplingParams.builder().presencePenalty(-1).frequencyPenalty(-0.5).build();
        assertThat(penalised(new float[] {0f, 0f}, h, p)).containsExactly(1.5f, 0f);
    }

    @Test
    void idsBeyondTheVocabularyAreSkipped() {
        TokenHistory h = new TokenHistory(new int[] {1, 99});
        h.append(100);
        SamplingParams p = SamplingParams.builder().repetitionPenalty(2).presencePenalty(1).build();
        assertThat(penalised(new float[] {4f, 4f}, h, p)).containsExactly(4f, 2f);
    }
}
