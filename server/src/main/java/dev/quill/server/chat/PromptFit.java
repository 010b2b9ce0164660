package dev.quill.server.chat;

import dev.quill.model.template.ChatMessage;
import dev.quill.model.tokenizer.TokenBound;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Fits a conversation into the model's context the way Quill always has: every system message
 * and the newest message stay; the other messages are dropped oldest-first until the prompt plus
 * the tokens reserved for the answer fit. The result is the one that dropping one message at a
 * time and re-rendering would give (the first k that fits), found without doing that:
 *
 * <ol>
 *   <li>At most {@code maxMessages} messages are considered; older droppable ones go first.</li>
 *   <li>A character bound ({@link TokenBound}): a set of messages whose contents alone need more
 *       tokens than the context holds cannot fit, so the oldest messages are dropped until the
 *       bound allows the rest, without rendering or tokenizing anything. A message that alone
 *       cannot fit (a 1 MB word) is never tokenized: refused when it is the newest, dropped when
 *       it is history.</li>
 *   <li>Render and tokenize that candidate; if it fits, done (the usual case: one render).</li>
 *   <li>Otherwise a binary search for the fewest drops that fit, each probe one render.</li>
 * </ol>
 *
 * Renders are at most {@code 2 + ceil(log2(d))} for {@code d} droppable messages, and each renders
 * at most {@code maxMessages} messages whose counted characters are within {@code longest token
 * x context}. The search assumes that dropping a message never lengthens the prompt, true of every
 * template that prints each message in turn. The bound assumes the template prints each content
 * (a template that leaves out parts of old messages may see them dropped sooner than needed).
 *
 * <p>A request with no stored conversation is not trimmed at all ({@code trim} false): its
 * client sent every message and would not know which the model never saw, so it fits whole or is
 * refused, as OpenAI's API refuses it. What trimming left out is counted ({@link Fit#omitted}),
 * and the protocols report it.
 *
 * <p>Stateless between calls and thread-safe; {@link #fit} runs on a prompt worker.
 */
final class PromptFit {

    /**
     * What fitting found.
     *
     * @param ids the prompt, or null when even the smallest allowed prompt does not fit
     * @param promptTokens the prompt's length, or when {@code ids} is null the smallest prompt's
     *     length (exact when {@code exact}, else a lower bound from the character count)
     * @param renders renders and tokenizations it took
     * @param omitted messages left out of the prompt to make it fit (0 when nothing was trimmed)
     */
    record Fit(int[] ids, long promptTokens, boolean exact, int renders, int omitted) {

        Fit(int[] ids, long promptTokens, boolean exact, int renders) {
            this(ids, promptTokens, exact, renders, 0);
        }
    }

    private final Function<List<ChatMessage>, int[]> encode;
    private final TokenBound bound;
    private final int maxLength;
    private final int maxMessages;

    /**
     * @param encode renders the chat template and tokenizes it (thread-safe)
     * @param maxLength the context: prompt plus answer
     */
    PromptFit(Function<List<ChatMessage>, int[]> encode, TokenBound bound, int maxLength, int maxMessages) {
        this.encode = encode;
        this.bound = bound;
        this.maxLength = maxLength;
        this.maxMessages = maxMessages;
    }

    /**
     * @param reserve tokens kept free for the answer
     * @param gone polled before each render; true stops the work with a {@link CancellationException}
     */
    Fit fit(List<ChatMessage> messages, long reserve, BooleanSupplier gone) {
        return fit(messages, reserve, gone, true);
    }

    /** @param trim whether messages may be left out (a stored conversation); false: the whole prompt fits or nothing */
    Fit fit(List<ChatMessage> messages, long reserve, BooleanSupplier gone, boolean trim) {
        int n = messages.size();
        int[] dropOrder = new int[n]; // message index -> its place among the droppable ones, or -1
        int droppable = 0;
        for (int i = 0; i < n; i++) {
            dropOrder[i] = trim && i < n - 1 && !messages.get(i).role().equals("system") ? droppable++ : -1;
        }
        int first = Math.max(0, n - maxMessages); // drops the message count alone requires
        if (first > droppable) {
            throw new ApiException(ApiError.invalid("the conversation has " + (n - droppable)
                    + " messages that are never trimmed (system messages and the newest), more than the "
                    + maxMessages + " a prompt may hold", "messages"));
        }
        long[] dropChars = new long[droppable];
        long keptChars = 0;
        for (int i = 0; i < n; i++) {
            if (dropOrder[i] < 0 || dropOrder[i] >= first) {
                long c = bound.countedChars(contentOf(messages.get(i)));
                keptChars += c;
                if (dropOrder[i] >= 0) {
                    dropChars[dropOrder[i]] = c;
                }
            }
        }
        int k = first;
        for (; k < droppable && !fits(bound.minTokens(keptChars), reserve); k++) {
            keptChars -= dropChars[k];
        }
        if (!fits(bound.minTokens(keptChars), reserve)) {
            return new Fit(null, bound.minTokens(keptChars), false, 0);
        }
        return search(messages, dropOrder, k, droppable, reserve, gone);
    }

    /** Fewest drops in [low, high] that fit, with low the character bound's first candidate. */
    private Fit search(List<ChatMessage> messages, int[] dropOrder, int low, int high, long reserve,
                       BooleanSupplier gone) {
        int renders = 1;
        int[] ids = render(messages, dropOrder, low, gone);
        if (fits(ids.length, reserve) || low == high) {
            return new Fit(fits(ids.length, reserve) ? ids : null, ids.length, true, renders, low);
        }
        int[] best = render(messages, dropOrder, high, gone);
        renders++;
        if (!fits(best.length, reserve)) {
            return new Fit(null, best.length, true, renders);
        }
        int bad = low; // invariant: dropping 'bad' does not fit, dropping 'good' does
        int good = high;
        while (good - bad > 1) {
            int mid = (bad + good) >>> 1;
            int[] probe = render(messages, dropOrder, mid, gone);
            renders++;
            if (fits(probe.length, reserve)) {
                good = mid;
                best = probe;
            } else {
                bad = mid;
            }
        }
        return new Fit(best, best.length, true, renders, good);
    }

    /** The prompt with the {@code drops} oldest droppable messages left out. */
    private int[] render(List<ChatMessage> messages, int[] dropOrder, int drops, BooleanSupplier gone) {
        if (gone.getAsBoolean()) {
            throw new CancellationException("the client left");
        }
        List<ChatMessage> kept = new ArrayList<>(messages.size() - drops);
        for (int i = 0; i < messages.size(); i++) {
            if (dropOrder[i] < 0 || dropOrder[i] >= drops) {
                kept.add(messages.get(i));
            }
        }
        return encode.apply(kept);
    }

    private boolean fits(long promptTokens, long reserve) {
        return promptTokens + reserve <= maxLength;
    }

    private static String contentOf(ChatMessage m) {
        return m.content() == null ? "" : m.content();
    }
}
