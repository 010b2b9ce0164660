package dev.quill.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenHistoryTest {

    @Test
    void countsPromptAndGeneratedSeparately() {
        TokenHistory h = new TokenHistory(new int[] {5, 5, 7});
        h.append(7);
        h.append(9);
        h.append(9);
        assertThat(h.promptLength()).isEqualTo(3);
        assertThat(h.generatedLength()).isEqualTo(3);
        assertThat(h.generatedCount(5)).isZero();   // prompt only
        assertThat(h.generatedCount(7)).isEqualTo(1);
        assertThat(h.generatedCount(9)).isEqualTo(2);
        assertThat(h.contains(5)).isTrue();
        assertThat(h.contains(9)).isTrue();
        assertThat(h.contains(6)).isFalse();
        assertThat(h.contains(-3)).isFalse();
    }

    @Test
    void visitsEachDistinctIdOnceWithItsCount() {
        TokenHistory h = new TokenHistory(new int[] {1, 2, 2});
        h.append(2);
        h.append(3);
        Map<Integer, Integer> seen = new HashMap<>();
        h.forEachSeen((id, count) -> assertThat(seen.put(id, count)).isNull());
        assertThat(seen).isEqualTo(Map.of(1, 1, 2, 3, 3, 1));
        Map<Integer, Integer> generated = new HashMap<>();
        h.forEachGenerated((id, count) -> assertThat(generated.put(id, count)).isNull());
        assertThat(generated).isEqualTo(Map.of(2, 1, 3, 1));
    }

    @Test
    void countsMatchAPlainMapThroughManyResizes() {
        java.util.Random random = new java.util.Random(1);
        TokenHistory h = TokenHistory.empty();
        Map<Integer, Integer> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            int id = random.nextInt(152_064);
            h.append(id);
            expected.merge(id, 1, Integer::sum);
        }
        expected.forEach((id, count) -> assertThat(h.generatedCount(id)).isEqualTo(count));
        int[] distinct = {0};
        h.forEachGenerated((id, count) -> distinct[0]++);
        assertThat(distinct[0]).isEqualTo(expected.size());
    }

    @Test
    void negativeIdsAreRejected() {
        assertThatThrownBy(() -> new TokenHistory(new int[] {1, -1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> TokenHistory.empty().append(-2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-2");
    }
}
