package dev.quill.model.engine;

import dev.quill.model.generate.FinishReason;
import dev.quill.model.sampling.TokenScores;

import java.util.List;

/**
 * Receives one request's output. Called on the engine thread, in order: any number of
 * {@link #onToken}, then exactly one of {@link #onDone} or {@link #onError}. A listener must
 * return quickly (hop to its own thread for real work). One whose onToken throws ends its own
 * sequence, which frees its slot and calls its onError (INTERNAL); what onDone or onError throw
 * is ignored. Nothing else in the batch is disturbed either way.
 */
public interface TokenListener {

    /** Text made whole by this token (may be empty while a character or stop string is pending). */
    void onToken(String text, int tokenId);

    /**
     * {@link #onToken} with the token's log-probabilities, when the request asked for them
     * ({@code SamplingParams.logprobs}); {@code scores} is null otherwise, and for the text a
     * sequence flushes at its end ({@code tokenId} -1).
     */
    default void onToken(String text, int tokenId, TokenScores scores) {
        onToken(text, tokenId);
    }

    /**
     * The prompt's log-probabilities, when the request asked for them
     * ({@code SamplingParams.promptLogprobs}): in order, before any token, possibly over several
     * calls (one per prompt chunk). Entry i scores prompt token {@code first + i} given the tokens
     * before it; the first prompt token has none, so {@code first} starts at 1.
     */
    default void onPromptScores(int first, List<TokenScores> scores) {
    }

    void onDone(FinishReason reason, Usage usage);

    void onError(EngineError error);

    /**
     * Before the first token, how far the prompt has been read: once when the request leaves the
     * waiting queue for a slot ({@code computed} is then the prefix reused from the cache), and
     * after each prompt chunk that does not finish the prompt. A request still waiting hears
     * nothing. Called on the engine thread; one that throws ends its own sequence, as onToken.
     */
    default void onPrefill(int computed, int promptTokens) {
    }
}
