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

    @Test
    void thePoolIsTheConfiguredBudgetOrByDefaultSlotsTimesTheContextWithinFreeMemory() {
        assertThat(KvBudget.poolTokens(gpt2, 1024, 64, 300_000)).isEqualTo(300_000);
        assertThat(KvBudget.poolTokens(gpt2, 1024, 64, 100)).as("at least one full sequence").isEqualTo(1024);
        assertThat(KvBudget.poolTokens(1024, 64, 0, 1L << 30)).as("slots x context").isEqualTo(64 * 1024);
        assertThat(KvBudget.poolTokens(1024, 64, 0, 10_000)).as("within free memory").isEqualTo(10_000);
        assertThat(KvBudget.poolTokens(1024, 64, 0, 10)).as("at least one full sequence").isEqualTo(1024);
        assertThat(KvBudget.poolTokens(gpt2, 1024, 64, 0)).isBetween(1024L, 64L * 1024);
    }
}
