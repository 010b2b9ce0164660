package dev.quill.model.sampling;

/**
 * The tokens one sequence has seen, counted the way the penalties read them: which ids occur in
 * the prompt or the generated text (repetition penalty), and how often each occurs in the
 * generated text (presence and frequency penalties). Counting as tokens arrive makes a penalty
 * step cost O(distinct tokens), not O(vocab &times; length).
 *
 * <p>It keeps counts, not the token list: the sequence that owns this history owns that list.
 * Owned by one sequence and touched only by the engine thread; not thread-safe.
 */
public final class TokenHistory {
    private final IntCounts seen = new IntCounts();      // prompt + generated: id → occurrences
    private final IntCounts generated = new IntCounts(); // generated only: id → occurrences
    private final int promptLength;
    private int generatedLength;

    /** A history whose prompt is {@code promptIds} (copied; ids must be &ge; 0). */
    public TokenHistory(int[] promptIds) {
        for (int id : promptIds) {
            seen.increment(requireTokenId(id));
        }
        promptLength = promptIds.length;
    }

    /** A history with an empty prompt. */
    public static TokenHistory empty() {
        return new TokenHistory(new int[0]);
    }

    /**
     * Records a generated token. The engine calls this after each {@link Sampler#sample}; the
     * sampler itself never does, because the engine decides what joins the sequence.
     */
    public void append(int tokenId) {
        requireTokenId(tokenId);
        seen.increment(tokenId);
        generated.increment(tokenId);
        generatedLength++;
    }

    /** Number of prompt tokens. */
    public int promptLength() {
        return promptLength;
    }

    /** Number of tokens appended so far. */
    public int generatedLength() {
        return generatedLength;
    }

    /** How often {@code tokenId} occurs among the generated tokens. */
    public int generatedCount(int tokenId) {
        return generated.get(tokenId);
    }

    /** Whether {@code tokenId} occurs in the prompt or among the generated tokens. */
    public boolean contains(int tokenId) {
        return seen.get(tokenId) > 0;
    }

    /** Visits each distinct id of prompt + generated once, with its count over both. */
    void forEachSeen(IntCounts.Visitor visitor) {
        seen.forEach(visitor);
    }

    /** Visits each distinct generated id once, with its count among the generated tokens. */
    void forEachGenerated(IntCounts.Visitor visitor) {
        generated.forEach(visitor);
    }

    private static int requireTokenId(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id must be >= 0, got " + id);
        }
        return id;
    }
}
