package dev.quill.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.template.ChatTemplate;
import dev.quill.model.template.RenderedPrompt;
import dev.quill.model.testing.TinyTokenizerWriter;
import dev.quill.model.tokenizer.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The next turn's prompt begins with the last turn's exact ids (its prompt, then the answer as the
 * model cut it into tokens, here one token per character where the tokenizer would merge), and
 * falls back to tokenizing the whole text whenever the new prompt does not continue that turn.
 */
class TurnTokensTest {

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

    private static final String ANSWER = "the fox jumps over the lazy dog";
    private static final List<ChatMessage> TURN1 = List.of(new ChatMessage("user", "hello there"));

    /** The answer as a model may write it: each character its own token, decoding to the same text. */
    private static int[] characterIds(String text) {
        return text.chars().mapToObj(c -> tokenizer.encodeMarkup(Character.toString(c)))
                .flatMapToInt(IntStream::of).toArray();
    }

    private static TurnTokens.Turn firstTurn(int[] answerIds, String answerText) {
        RenderedPrompt r = template.render(TURN1, true, null);
        return new TurnTokens.Turn(r.text(), tokenizer.encodeRendered(r), answerIds, answerText);
    }

    private static List<ChatMessage> secondTurn(String answer, String next) {
        return List.of(TURN1.get(0), new ChatMessage("assistant", answer), new ChatMessage("user", next));
    }

    @Test
    void theNextPromptBeginsWithTheLastTurnsExactIdsAndTokenizesOnlyTheRest() {
        int[] answer = characterIds(ANSWER);
        assertThat(answer).isNotEqualTo(tokenizer.encodeMarkup(ANSWER)).as("the fixture merges some characters");
        TurnTokens turns = new TurnTokens(tokenizer, 8);
        TurnTokens.Turn last = firstTurn(answer, ANSWER);
        turns.remember("c1", last);
        RenderedPrompt next = template.render(secondTurn(ANSWER, "and <|im_end|> more?"), true, null);
        int[] whole = tokenizer.encodeRendered(next);

        int[] ids = turns.encode(turns.last("c1"), next);

        int reused = last.promptIds().length + answer.length;
        assertThat(Arrays.copyOf(ids, last.promptIds().length)).containsExactly(last.promptIds());
        assertThat(Arrays.copyOfRange(ids, last.promptIds().length, reused)).containsExactly(answer);
        assertThat(Arrays.copyOf(whole, reused)).as("tokenizing the whole text cuts the answer otherwise")
                .isNotEqualTo(Arrays.copyOf(ids, reused));
        assertThat(tokenizer.decode(ids)).isEqualTo(tokenizer.decode(whole));
        int imEnd = tokenizer.addedTokenId("<|im_end|>");
        assertThat(Arrays.stream(ids).filter(t -> t == imEnd).count()).as("typed <|im_end|> stays text")
                .isEqualTo(Arrays.stream(whole).filter(t -> t == imEnd).count());
    }

    @Test
    void aPromptThatDoesNotContinueTheTurnIsTokenizedWhole() {
        TurnTokens turns = new TurnTokens(tokenizer, 8);
        TurnTokens.Turn last = firstTurn(characterIds(ANSWER), ANSWER);
        RenderedPrompt edited = template.render(secondTurn("so " + ANSWER, "next"), true, null);
        assertThat(turns.encode(last, edited)).as("another answer text").isNull();
        RenderedPrompt other = template.render(List.of(new ChatMessage("user", "another conversation")), true, null);
        assertThat(turns.encode(last, other)).isNull();
        TurnTokens.Turn wrongIds = firstTurn(characterIds("something else entirely"), ANSWER);
        assertThat(turns.encode(wrongIds, template.render(secondTurn(ANSWER, "next"), true, null)))
                .as("ids that do not decode to the stored answer").isNull();
    }

    @Test
    void onlyTheMostRecentConversationsAreKept() {
        TurnTokens turns = new TurnTokens(tokenizer, 2);
        TurnTokens.Turn t = firstTurn(characterIds(ANSWER), ANSWER);
        turns.remember("a", t);
        turns.remember("b", t);
        turns.last("a");
        turns.remember("c", t);
        assertThat(turns.last("b")).as("least recently used").isNull();
        assertThat(turns.last("a")).isNotNull();
        assertThat(turns.last("c")).isNotNull();
    }
}
