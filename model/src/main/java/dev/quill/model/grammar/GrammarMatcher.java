package dev.quill.model.grammar;

import dev.quill.model.sampling.TokenMask;

import java.util.Set;
import java.util.function.Supplier;

/**
 * One sequence's place in its grammar: the mask of tokens allowed next, advanced by each token the
 * sequence takes, and whether the document is complete.
 *
 * <p>The mask of a state is computed once (a walk of the token trie) and kept on the state, so a
 * state met again (every byte inside a string, every item of an array) costs only applying it.
 *
 * <p>The token budget: a sequence may generate {@code budget} more tokens (max_tokens, or what is
 * left of the context). Near the end of it the mask keeps only tokens after which the document can
 * still be finished in the tokens left, counting one token per byte of the shortest completion
 * (every ASCII byte is a token of its own in byte-level and SentencePiece vocabularies). So an
 * answer cut by max_tokens is still a whole, valid document, unless max_tokens is smaller than the
 * schema's smallest answer; then the budget is ignored and the answer ends with "length".
 *
 * <p>Owned by one sequence; called only on the engine thread.
 */
public final class GrammarMatcher implements TokenMask {
    private final Grammar grammar;
    private final Supplier<TokenTrie> trieSource;
    private final int[] endIds;
    private final int[] distance = new int[1];
    private TokenTrie trie;
    private Automaton automaton; // made at the first mask, on the engine thread
    private DfaState state;
    private int budget;

    /**
     * @param trie the model's token trie; first read on the engine thread, at the first mask
     * @param endIds tokens that end the sequence (eos, stop ids): allowed once the document is complete
     * @param budget the most tokens this sequence may generate
     */
    public GrammarMatcher(Grammar grammar, Supplier<TokenTrie> trie, Set<Integer> endIds, int budget) {
        this.grammar = grammar;
        this.trieSource = trie;
        this.endIds = endIds.stream().mapToInt(Integer::intValue).toArray();
        this.budget = budget;
    }

    @Override
    public void apply(float[] logits, float[] out) {
        TokenSet allowed = allowed(); // first: it makes the automaton and the state
        allowed.apply(logits, out);
        if (state.accepting) {
            for (int id : endIds) {
                if (id < logits.length) {
                    out[id] = logits[id];
                }
            }
        }
    }

    /** The tokens allowed next, end tokens aside. */
    TokenSet allowed() {
        TokenTrie t = trie();
        started();
        if (state.mask == null) {
            state.mask = automaton.allowed(state, t, Grammar.FAR, distance);
            state.maxDistanceAfter = distance[0];
        }
        if (state.maxDistanceAfter <= budget - 1) {
            return state.mask; // every allowed token leaves room to finish
        }
        TokenSet within = automaton.allowed(state, t, budget - 1, distance);
        return within.size() > 0 || state.accepting ? within : state.mask;
    }

    /**
     * Advances over a token the sequence has taken (not an end token).
     *
     * @throws IllegalStateException when the grammar does not allow it: the mask was not applied
     */
    public void accept(int tokenId) {
        byte[] bytes = trie().bytes(tokenId);
        if (bytes == null) {
            throw new IllegalStateException("token " + tokenId + " has no text the grammar can check");
        }
        DfaState s = started();
        for (byte b : bytes) {
            s = automaton.step(s, b & 0xFF);
        }
        if (s.dead()) {
            throw new IllegalStateException("token " + tokenId + " does not continue the document");
        }
        state = s;
        budget--;
    }

    /** The text so far is a whole document (more may still follow, as after the digits of a number). */
    public boolean accepting() {
        return started().accepting;
    }

    /** The document is complete and nothing may follow: the sequence should end. */
    public boolean finished() {
        return started().finished();
    }

    /** The current state, making the automaton on first use. */
    private DfaState started() {
        if (automaton == null) {
            automaton = new Automaton(grammar);
            state = automaton.start();
        }
        return state;
    }

    private TokenTrie trie() {
        if (trie == null) {
            trie = trieSource.get();
        }
        return trie;
    }
}
