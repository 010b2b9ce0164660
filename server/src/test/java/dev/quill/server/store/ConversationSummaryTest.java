package dev.quill.server.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationSummaryTest {

    @Test
    void aShortMessageIsItsOwnTitleOnOneLine() {
        assertThat(ConversationSummary.titleOf("  Hello\n\n  there\tyou  ")).isEqualTo("Hello there you");
    }

    @Test
    void aLongMessageIsCutWithAnEllipsis() {
        String title = ConversationSummary.titleOf("word ".repeat(40));
        assertThat(title).hasSize(ConversationSummary.MAX_TITLE_LENGTH).endsWith("d…");
        assertThat(title.codePointCount(0, title.length())).isLessThanOrEqualTo(ConversationSummary.MAX_TITLE_LENGTH);
    }

    @Test
    void cuttingNeverSplitsACharacterOutsideTheBasicPlane() {
        String title = ConversationSummary.titleOf("🙂".repeat(100));
        assertThat(title.codePointCount(0, title.length())).isEqualTo(ConversationSummary.MAX_TITLE_LENGTH);
        assertThat(title).isEqualTo("🙂".repeat(ConversationSummary.MAX_TITLE_LENGTH - 1) + "…");
    }
}
