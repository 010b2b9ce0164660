package dev.quill.model.engine;

import dev.quill.model.generate.FinishReason;
import dev.quill.model.grammar.GrammarMatcher;
import dev.quill.model.sampling.Sampler;
import dev.quill.model.sampling.SamplingParams;
import dev.quill.model.sampling.ScoringSampler;
import dev.quill.model.sampling.TokenHistory;
import dev.quill.model.sampling.TokenScores;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One request's state inside the engine. Everything but {@link #cancel} runs on the engine
 * thread. Positions {@code [0, computed)} of {@link #tokens} have keys/values in the KV pool, in the
 * blocks its block table names.
 */
final class Sequence implements RequestHandle {

    private final long id;
    private final long submittedAt;
    final int promptLength;
    final SamplingParams params;
    final Sampler sampler;
    final TokenHistory history;
    private final GrammarMatcher grammar; // null when unconstrained
    private final TextStream text;
    private final Set<Integer> eosIds;
    private final int maxLength;
    private final Runnable wake;
    private TokenListener listener;
    private volatile boolean cancelled;

    int[] tokens;  // prompt, then generated ids
    int length;    // tokens in use
    int computed;  // tokens whose keys/values are cached
    int slot = -1;
    int[] blocks = new int[0]; // block table: position p lives in blocks[p / BLOCK_SIZE]
    int blockCount;            // blocks taken so far
    int reservedLeft;          // blocks reserved at admission and not yet taken
    int indexedBlocks;         // full blocks entered in the pool's prefix index
    int indexParent = -1;      // the block the index names for the last of those, or -1
    long indexParentGeneration; // that block's generation when it was named
    int cachedTokens;
    int generated;
    long firstTokenAt;
    FinishReason finish;

    Sequence(long id, int[] prompt, SamplingParams params, TokenListener listener, TextStream text,
             Set<Integer> eosIds, int maxLength, Runnable wake) {
        this(id, prompt, params, null, listener, text, eosIds, maxLength, wake);
    }

    /** A sequence whose tokens {@code grammar} constrains (null: unconstrained). */
    Sequence(long id, int[] prompt, SamplingParams params, GrammarMatcher grammar, TokenListener listener,
             TextStream text, Set<Integer> eosIds, int maxLength, Runnable wake) {
        this.id = id;
        this.submittedAt = System.nanoTime();
        this.promptLength = prompt.length;
        this.params = params;
        this.grammar = grammar;
        this.sampler = Sampler.of(params, grammar);
        this.history = new TokenHistory(prompt);
        this.text = text;
        this.eosIds = eosIds;
        this.maxLength = maxLength;
        this.listener = listener;
        this.wake = wake;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length + Math.min(params.maxTokens(), 64)));
        this.length = prompt.length;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void cancel() {
        cancelled = true;
        wake.run();
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Tells the listener how much of the prompt is in the cache (see {@link TokenListener#onPrefill}). */
    void reportPrefill() {
        TokenListener l = listener;
        if (l != null && !cancelled) {
            l.onPrefill(computed, promptLength);
        }
    }

    /** The most tokens this sequence can reach: prompt plus max_tokens, within the context. */
    int lengthLimit() {
        return (int) Math.min((long) promptLength + params.maxTokens(), maxLength);
    }

    /** Tokens not yet in the cache: the whole prompt at first, then the one last sampled. */
    int pending() {
        return length - computed;
    }

    /**
     * Takes a sampled token; returns true when the sequence has finished.
     *
     * @throws RuntimeException from this sequence's own parts (its text stream, its listener):
     *     the caller ends this sequence alone
     */
    boolean accept(int token) {
        if (firstTokenAt == 0) {
            firstTokenAt = System.nanoTime();
        }
        if (params.stopTokenIds().contains(token) || (!params.ignoreEos() && eosIds.contains(token))) {
            finish = FinishReason.STOP;
            return true;
        }
        if (grammar != null) {
            grammar.accept(token); // before the token is streamed: a token the grammar refuses fails the sequence
        }
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
        history.append(token);
        generated++;
        emitToken(text.push(token), token, sampler instanceof ScoringSampler scoring ? scoring.last() : null);
        if (text.stopped() || (grammar != null && grammar.finished())) {
            finish = FinishReason.STOP;
        } else if (generated >= params.maxTokens() || length >= maxLength) {
            finish = FinishReason.LENGTH;
        }
        return finish != null;
    }

    /**
     * Delivers the end: remaining text (unless a stop string ended it), then onDone. If the text
     * stream or the listener fails on that remaining text, the listener hears onError instead.
     * Never throws.
     */
    void complete(FinishReason reason) {
        finish = reason;
        try {
            if (reason != FinishReason.CANCELLED && !text.stopped()) {
                String tail = text.flush();
                if (!tail.isEmpty()) {
                    emitToken(tail, -1, null);
                }
            }
        } catch (RuntimeException | Error e) {
            fail(EngineError.internal("this request's text failed", e));
            return;
        }
        long now = System.nanoTime();
        Usage usage = new Usage(promptLength, generated, cachedTokens,
                firstTokenAt == 0 ? 0 : firstTokenAt - submittedAt, now - submittedAt);
        TokenListener l = listener;
        listener = null;
        if (l != null) {
            try {
                l.onDone(reason, usage);
            } catch (RuntimeException | Error ignored) {
                // the listener's own failure; the engine has nothing left to tell it
            }
        }
    }

    /** Delivers onError, once; a listener that throws from it is dropped. Never throws. */
    void fail(EngineError error) {
        TokenListener l = listener;
        listener = null;
        if (l != null) {
            try {
                l.onError(error);
            } catch (RuntimeException | Error ignored) {
                // see complete()
            }
        }
    }

    /**
     * The scores of prompt tokens {@code [first, first + scores.size())}.
     *
     * @throws EngineError INTERNAL when the listener throws, as for a token
     */
    void emitPromptScores(int first, List<TokenScores> scores) {
        if (listener == null || scores.isEmpty()) {
            return;
        }
        try {
            listener.onPromptScores(first, scores);
        } catch (RuntimeException | Error e) {
            throw EngineError.internal("the request's listener failed", e);
        }
    }

    /** Whether this sequence's prompt chunks are scored ({@link ModelRunner}), which also rules out prefix reuse. */
    boolean scoresPrompt() {
        return params.wantsPromptLogprobs();
    }

    Usage usageSoFar() {
        return new Usage(promptLength, generated, cachedTokens, firstTokenAt == 0 ? 0 : firstTokenAt - submittedAt,
                System.nanoTime() - submittedAt);
    }

    /**
     * @throws EngineError INTERNAL when the listener throws: the caller ends this sequence, and
     *     the listener then hears onError
     */
    private void emitToken(String piece, int token, TokenScores scores) {
        if (listener == null) {
            return;
        }
        try {
            listener.onToken(piece, token, scores);
        } catch (RuntimeException | Error e) {
            throw EngineError.internal("the request's listener failed", e);
        }
    }
}
