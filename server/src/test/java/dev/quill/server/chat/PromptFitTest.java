package dev.quill.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.testing.TinyTokenizerWriter;
import dev.quill.model.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Trimming gives what the old algorithm gave (drop the oldest droppable message, re-render,
 * repeat) on random conversations, with the real tokenizer and ChatML template, while rendering
 * a logarithmic number of times and never tokenizing a message that cannot fit.
 */
class PromptFitTest {

    static final int CONTEXT = 256;

    @TempDir
    static Path dir;
    static TextTokenizer tokenizer;
    static ChatTemplate template;

    @BeforeAll
    static void load() throws Exception {
        TinyTokenizerWriter.writeTokenizerJson(dir);
        tokenizer = TextTokenizer.load(dir);
        template = ChatTemplate.of(TinyTokenizerWriter.CHATML_TEMPLATE, null, "<|im_end|>");
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static int[] encode(List<ChatMessage> messages) {
        return tokenizer.encodeRendered(template.render(messages, true, null));
    }

    @Test
    void trimmingEqualsTheQuadraticReferenceOnRandomConversations() {
        Random random = new Random(2024);
        int fitted = 0;
        int refused = 0;
        for (int c = 0; c < 100; c++) {
            List<ChatMessage> messages = randomConversation(random);
            long reserve = 1 + random.nextInt(random.nextBoolean() ? 40 : 250);
            AtomicInteger renders = new AtomicInteger();
            PromptFit fit = new PromptFit(m -> { renders.incrementAndGet(); return encode(m); },
                    tokenizer.bound(), CONTEXT, 1000);

            PromptFit.Fit got = fit.fit(messages, reserve, () -> false);
            int[] expected = reference(messages, reserve);

            if (expected == null) {
                assertThat(got.ids()).as("case %d: the reference refuses", c).isNull();
                refused++;
            } else {
                assertThat(got.ids()).as("case %d", c).isEqualTo(expected);
                fitted++;
            }
            assertThat(renders.get()).isEqualTo(got.renders())
                    .isLessThanOrEqualTo(2 + ceilLog2(droppable(messages)));
        }
        assertThat(fitted).as("the random cases cover both outcomes").isGreaterThan(50);
        assertThat(refused).isGreaterThan(10);
    }

    @Test
    void aThousandMessagesTakeLogarithmicallyManyRenders() {
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            messages.add(new ChatMessage(i % 2 == 0 ? "user" : "assistant", "m" + i));
        }
        AtomicInteger renders = new AtomicInteger();
        PromptFit fit = new PromptFit(m -> { renders.incrementAndGet(); return encode(m); }, tokenizer.bound(), CONTEXT, 1000);

        PromptFit.Fit got = fit.fit(messages, 16, () -> false);

        assertThat(renders.get()).isLessThanOrEqualTo(2 + ceilLog2(999)); // 12, where the old way rendered ~970 times
        // the reference would take ~970 renders here; check its defining property instead: the
        // newest messages that fit, and one more would not
        int kept = 0;
        while (!Arrays.equals(encode(messages.subList(1000 - kept, 1000)), got.ids())) {
            kept++;
        }
        assertThat(got.ids().length + 16).isLessThanOrEqualTo(CONTEXT);
        assertThat(encode(messages.subList(1000 - kept - 1, 1000)).length + 16).isGreaterThan(CONTEXT);
    }

    @Test
    void aHugeNewestMessageIsRefusedWithoutATokenizerCall() {
        List<ChatMessage> messages = List.of(new ChatMessage("user", "hello"), new ChatMessage("user", "y".repeat(1_000_000)));
        AtomicInteger renders = new AtomicInteger();
        PromptFit fit = new PromptFit(m -> { renders.incrementAndGet(); return encode(m); }, tokenizer.bound(), CONTEXT, 1000);

        PromptFit.Fit got = fit.fit(messages, 1, () -> false);

        assertThat(got.ids()).isNull();
        assertThat(got.exact()).isFalse();
        assertThat(got.promptTokens()).isGreaterThan(CONTEXT);
        assertThat(renders.get()).isZero();
    }

    @Test
    void hugeOldHistoryIsDroppedWithoutBeingTokenized() {
        String huge = "z".repeat(1_000_000);
        List<ChatMessage> messages = List.of(new ChatMessage("system", "be brief"), new ChatMessage("user", huge),
                new ChatMessage("assistant", "ok"), new ChatMessage("user", "and now?"));
        List<List<ChatMessage>> seen = new ArrayList<>();
        Function<List<ChatMessage>, int[]> recording = m -> { seen.add(m); return encode(m); };

        PromptFit.Fit got = new PromptFit(recording, tokenizer.bound(), CONTEXT, 1000).fit(messages, 1, () -> false);

        assertThat(got.ids()).isEqualTo(encode(List.of(messages.get(0), messages.get(2), messages.get(3))));
        assertThat(seen).hasSize(1).allSatisfy(m -> assertThat(m).extracting(ChatMessage::content).doesNotContain(huge));
    }

    @Test
    void historyBeyondMaxMessagesIsDroppedUnrendered() {
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            messages.add(new ChatMessage("user", "m" + i));
        }
        List<List<ChatMessage>> seen = new ArrayList<>();
        PromptFit fit = new PromptFit(m -> { seen.add(m); return encode(m); }, tokenizer.bound(), CONTEXT, 10);

        PromptFit.Fit got = fit.fit(messages, 1, () -> false);

        assertThat(got.ids()).isEqualTo(encode(messages.subList(40, 50)));
        assertThat(seen).allSatisfy(m -> assertThat(m.size()).isLessThanOrEqualTo(10));
    }

    @Test
    void aGoneClientStopsTheWorkBeforeTheNextRender() {
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            messages.add(new ChatMessage("user", "m" + i));
        }
        AtomicInteger renders = new AtomicInteger();
        PromptFit fit = new PromptFit(m -> { renders.incrementAndGet(); return encode(m); }, tokenizer.bound(), CONTEXT, 1000);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fit.fit(messages, 1, () -> renders.get() >= 2))
                .isInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(renders.get()).isEqualTo(2);
    }

    /** The algorithm Quill had: drop the oldest non-system message (never the newest), re-render, repeat. */
    static int[] reference(List<ChatMessage> original, long reserve) {
        List<ChatMessage> messages = new ArrayList<>(original);
        int[] ids = encode(messages);
        while (ids.length + reserve > CONTEXT) {
            int drop = -1;
            for (int i = 0; i < messages.size() - 1 && drop < 0; i++) {
                if (!messages.get(i).role().equals("system")) {
                    drop = i;
                }
            }
            if (drop < 0) {
                return null;
            }
            messages.remove(drop);
            ids = encode(messages);
        }
        return ids;
    }

    static List<ChatMessage> randomConversation(Random random) {
        String[] words = {"the", "fox", "jumps", "over", "lazy", "dog", "hello", "中文", "😀", "<|im_end|>", "\n", "  "};
        List<ChatMessage> messages = new ArrayList<>();
        int n = 1 + random.nextInt(30);
        for (int i = 0; i < n; i++) {
            String role = random.nextInt(8) == 0 ? "system" : random.nextBoolean() ? "user" : "assistant";
            StringBuilder content = new StringBuilder();
            int length = random.nextInt(10) == 0 ? random.nextInt(200) : random.nextInt(12);
            for (int w = 0; w < length; w++) {
                content.append(words[random.nextInt(words.length)]).append(' ');
            }
            if (random.nextInt(15) == 0) {
                content.append("w".repeat(1 + random.nextInt(1500))); // one long word
            }
            messages.add(new ChatMessage(role, content.toString()));
        }
        return messages;
    }

    static int droppable(List<ChatMessage> messages) {
        int d = 0;
        for (int i = 0; i < messages.size() - 1; i++) {
            d += messages.get(i).role().equals("system") ? 0 : 1;
        }
        return d;
    }

    static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

}
