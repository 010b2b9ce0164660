package dev.quill.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.config.Family;
import dev.quill.model.config.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

class KvBudgetTest {

    // GPT-2 small: 12 layers, 12 kv heads of 64
    private final ModelConfig gpt2 = new ModelConfig("gpt2", Family.GPT2, 50257, 768, 12, 12, 12, 64, 3072,
            1e-5, 0, null, 1024, true, true, 50256, List.of(50256));

    @Test
    void bytesPerTokenCountsKeysAndValuesOfEveryLayer() {
        assertThat(KvBudget.bytesPerToken(gpt2, 4)).isEqualTo(2L * 12 * 12 * 64 * 4);
    }

    @Test
    void aConfiguredBudgetBoundsTheSlots() {
        assertThat(KvBudget.slots(gpt2, 1024, 16, 4096)).isEqualTo(4);
        assertThat(KvBudget.slots(gpt2, 1024, 2, 1 << 20)).isEqualTo(2);
        assertThat(KvBudget.slots(gpt2, 1024, 8, 100)).as("always at least one").isEqualTo(1);
    }

    @Test
    void withoutABudgetFreeMemoryDecides() {
        assertThat(KvBudget.derivedBudget(gpt2)).isPositive();
        assertThat(KvBudget.slots(gpt2, 1024, 1_000_000, 0)).isBetween(1, 1_000_000 - 1);
    }
}
