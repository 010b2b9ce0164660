package dev.quill.server.chat;

import dev.quill.model.engine.TokenListener;
import dev.quill.model.engine.Usage;
import dev.quill.model.generate.FinishReason;
import dev.quill.model.engine.EngineError;
import dev.quill.model.sampling.TokenScores;
import dev.quill.model.template.RenderedPrompt;
import dev.quill.model.tokenizer.TextTokenizer;

import java.util.ArrayList;
import dev.quill.model.sampling.TokenScores;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exact tokens of each stored conversation's last turn: its prompt and the ids the engine
 * generated, so the next turn's prompt begins with those very ids instead of a tokenization of the
 * answer's text, which may split it differently from how the model wrote it (and then the engine's
 * prefix cache would stop matching at the first difference, inside the previous answer).
 *
 * <p>The next prompt takes them only when its rendered text begins with the last turn's prompt text
 * followed by the answer's text, and the answer's ids are plain text that decodes to it: what the model sees is
 * the same text either way, only its cut into tokens is the model's own. The rest of the prompt (the
 * template's end of the answer, the new messages) is tokenized as always. A template that renders
 * past answers differently, a trimmed conversation, a stop string cut from the text: no match, and
 * the prompt is tokenized whole.
 *
 * <p>Bounded: the most recently used {@code capacity} conversations. Thread-safe.
 */
public final class TurnTokens {

    /** What a turn saw and produced: its prompt's text and ids, and its answer's ids and text. */
    record Turn(String promptText, int[] promptIds, int[] answerIds, String answerText) {
    }

    private final TextTokenizer tokenizer;
    private final Map<String, Turn> turns;
    private final AtomicLong reusedTokens = new AtomicLong();
    private final AtomicLong reusedPrompts = new AtomicLong();

    public TurnTokens(TextTokenizer tokenizer, int capacity) {
        this.tokenizer = tokenizer;
        this.turns = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Turn> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Tokens of previous turns that prompts took exactly, and how many prompts did. */
    public long reusedTokens() {
        return reusedTokens.get();
    }

    public long reusedPrompts() {
        return reusedPrompts.get();
    }

    synchronized Turn last(String conversation) {
        return turns.get(conversation);
    }

    synchronized void remember(String conversation, Turn turn) {
        turns.put(conversation, turn);
    }

    /** A prompt's ids: the last turn's exact ids and the rest tokenized, or null when the prompt does not continue it. */
    int[] encode(Turn last, RenderedPrompt rendered) {
        String text = rendered.text();
        String before = last.promptText() + last.answerText();
        if (!text.startsWith(before) || text.length() == before.length() || !plainText(last)) {
            return null;
        }
        List<int[]> content = new ArrayList<>(); // the rest's message contents, in its own offsets
        int at = 0;
        for (RenderedPrompt.Segment s : rendered.segments()) {
            int end = at + s.text().length();
            if (s.content() && end > before.length()) {
                content.add(new int[] {Math.max(at, before.length()) - before.length(), end - before.length()});
            }
            at = end;
        }
        int[] rest = tokenizer.encodeRendered(text.substring(before.length()), content);
        int[] ids = Arrays.copyOf(last.promptIds(), last.promptIds().length + last.answerIds().length + rest.length);
        System.arraycopy(last.answerIds(), 0, ids, last.promptIds().length, last.answerIds().length);
        System.arraycopy(rest, 0, ids, last.promptIds().length + last.answerIds().length, rest.length);
        return ids;
    }

    /** A prompt was built on a last turn's {@code tokens} exact ids. */
    void counted(int tokens) {
        reusedTokens.addAndGet(tokens);
        reusedPrompts.incrementAndGet();
    }

    /**
     * Whether the answer's ids are exactly its text: no special token among them (its text is left
     * out of the answer, so the model would see a control token the text does not hold) and they
     * decode to the stored text (not so when a stop string cut it).
     */
    private boolean plainText(Turn last) {
        for (int id : last.answerIds()) {
            if (tokenizer.isAddedToken(id)) {
                return false;
            }
        }
        return tokenizer.decode(last.answerIds()).equals(last.answerText());
    }

    /**
     * Wraps a generation's listener to keep the ids it generates (on the engine thread; read after
     * onDone, which the wrapped listener carries to the caller's context).
     */
    static final class Recorder implements TokenListener {
        private final TokenListener next;
        private int[] ids = new int[64];
        private int count;

        Recorder(TokenListener next) {
            this.next = next;
        }

        @Override
        public void onToken(String text, int tokenId) {
            record(tokenId);
            next.onToken(text, tokenId);
        }

        @Override
        public void onToken(String text, int tokenId, TokenScores scores) {
            record(tokenId);
            next.onToken(text, tokenId, scores);
        }

        @Override
        public void onPromptScores(int first, List<TokenScores> scores) {
            next.onPromptScores(first, scores);
        }

        @Override
        public void onPrefill(int computed, int promptTokens) {
            next.onPrefill(computed, promptTokens);
        }

        private void record(int tokenId) {
            if (tokenId >= 0) {
                if (count == ids.length) {
                    ids = Arrays.copyOf(ids, count * 2);
                }
                ids[count++] = tokenId;
            }
        }

        @Override
        public void onDone(FinishReason reason, Usage usage) {
            next.onDone(reason, usage);
        }

        @Override
        public void onError(EngineError error) {
            next.onError(error);
        }

        int[] ids() {
            return Arrays.copyOf(ids, count);
        }
    }
}
