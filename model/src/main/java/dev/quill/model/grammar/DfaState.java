package dev.quill.model.grammar;

/**
 * A state of the lazily determinized automaton: every parse stack the text so far allows (the
 * grammar is nondeterministic where anyOf alternatives share a prefix), and whether the document
 * could end here. Its transitions and its token mask are filled in on first use and kept, so a
 * state met again costs an array lookup.
 */
final class DfaState {
    final Frame[] stacks;      // top frames, each at a state with byte edges; sorted by id
    final boolean accepting;   // the root rule has ended: the text is a whole document
    final int distance;        // fewest bytes that finish the document from here
    final DfaState[] next = new DfaState[256]; // by byte; null = not computed yet

    TokenSet mask;             // tokens allowed here with no budget limit; null = not computed yet
    int maxDistanceAfter;      // the largest distance any token in mask leads to

    DfaState(Frame[] stacks, boolean accepting) {
        this.stacks = stacks;
        this.accepting = accepting;
        int d = accepting ? 0 : Grammar.FAR;
        for (Frame f : stacks) {
            d = Math.min(d, f.distance);
        }
        this.distance = d;
    }

    /** Nothing can follow: no byte, no end. */
    boolean dead() {
        return stacks.length == 0 && !accepting;
    }

    /** The document is complete and nothing may be added to it. */
    boolean finished() {
        return stacks.length == 0 && accepting;
    }
}
