package dev.quill.model.grammar;

/**
 * One frame of a parse stack: a grammar state, and below it the frame to return to when that
 * state's rule ends. Frames are interned by their {@link Automaton}, so two stacks are equal
 * exactly when their top frames are the same object.
 */
final class Frame {
    final int state;
    final Frame parent;   // the caller's return state, or null in the root rule
    final int id;         // unique within the automaton: orders frames in a DfaState's key
    final int depth;      // frames below this one
    final int distance;   // fewest bytes to finish the whole document from here

    Frame(int state, Frame parent, int id, int ownDistance) {
        this.state = state;
        this.parent = parent;
        this.id = id;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.distance = parent == null ? ownDistance : (int) Math.min(Grammar.FAR, (long) ownDistance + parent.distance);
    }
}
