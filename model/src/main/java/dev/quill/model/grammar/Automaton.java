package dev.quill.model.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Grammar} over bytes by determinizing it lazily: a {@link DfaState} is the set of
 * parse stacks after some text, created the first time a byte leads to it and interned, so the
 * trie walk that builds a mask steps by array lookup after the first visit.
 *
 * <p>Also walks a {@link TokenTrie} from a state to find the tokens allowed next: one pass over
 * the trie in preorder, skipping the subtree of every prefix the grammar rejects.
 *
 * <p>Owned by one sequence and touched only by the engine thread; not thread-safe.
 */
final class Automaton {
    /** Deeper nesting than this fails the sequence (a schema that recurses without writing anything). */
    static final int MAX_DEPTH = 512;
    /** More states than this fails the sequence rather than grow without bound. */
    static final int MAX_STATES = 20_000;

    private final Grammar g;
    private final Map<Long, Frame> frames = new HashMap<>();
    private final Map<Key, DfaState> states = new HashMap<>();
    private final DfaState dead;
    private final DfaState start;

    Automaton(Grammar g) {
        this.g = g;
        this.dead = new DfaState(new Frame[0], false);
        Arrays.fill(dead.next, dead);
        Closure c = new Closure();
        c.close(g.root, null);
        this.start = c.intern();
    }

    DfaState start() {
        return start;
    }

    /** The state after byte {@code b} (0..255) from {@code s}; the dead state when the grammar rejects it. */
    DfaState step(DfaState s, int b) {
        DfaState n = s.next[b];
        if (n == null) {
            Closure c = new Closure();
            for (Frame f : s.stacks) {
                int[] r = g.ranges[f.state];
                for (int i = 0; i < r.length; i += 3) {
                    if (r[i] <= b && b <= r[i + 1]) {
                        c.close(r[i + 2], f.parent);
                    }
                }
            }
            n = c.intern();
            s.next[b] = n;
        }
        return n;
    }

    /**
     * The tokens whose bytes lead from {@code from} to a live state at most {@code distanceLimit}
     * bytes from the end of the document. {@code maxDistance[0]} receives the largest such distance.
     */
    TokenSet allowed(DfaState from, TokenTrie trie, int distanceLimit, int[] maxDistance) {
        long[] bits = new long[(trie.vocabSize() + 63) >>> 6];
        int count = 0;
        int max = 0;
        DfaState[] at = new DfaState[trie.maxDepth() + 1]; // at[d]: the state after the first d bytes
        at[0] = from;
        byte[] edge = trie.edge;
        int[] depth = trie.depth;
        int[] subtree = trie.subtree;
        int[] tokenFrom = trie.tokenFrom;
        int[] tokenTo = trie.tokenTo;
        int[] tokens = trie.tokens;
        for (int n = 1; n < edge.length; ) {
            DfaState parent = at[depth[n] - 1];
            int b = edge[n] & 0xFF;
            DfaState s = parent.next[b];
            if (s == null) {
                s = step(parent, b);
            }
            if (s == dead) {
                n += subtree[n]; // no token under a rejected prefix
                continue;
            }
            at[depth[n]] = s;
            if (tokenFrom[n] < tokenTo[n] && s.distance <= distanceLimit) {
                for (int k = tokenFrom[n]; k < tokenTo[n]; k++) {
                    bits[tokens[k] >>> 6] |= 1L << tokens[k];
                    count++;
                }
                max = Math.max(max, s.distance);
            }
            n++;
        }
        maxDistance[0] = max;
        return new TokenSet(bits, count, trie.vocabSize());
    }

    /** The epsilon closure of one step: every stack reachable without reading a byte. */
    private final class Closure {
        private final Set<Frame> seen = new HashSet<>();
        private final List<Frame> out = new ArrayList<>();
        private boolean accepting;

        void close(int state, Frame parent) {
            Frame f = frame(state, parent);
            if (!seen.add(f)) {
                return;
            }
            if (g.ranges[state].length > 0) {
                out.add(f);
            }
            for (int t : g.epsilons[state]) {
                close(t, parent);
            }
            int[] calls = g.calls[state];
            for (int i = 0; i < calls.length; i += 2) {
                close(calls[i], frame(calls[i + 1], parent));
            }
            if (g.end[state]) {
                if (parent == null) {
                    accepting = true;
                } else {
                    close(parent.state, parent.parent);
                }
            }
        }

        DfaState intern() {
            if (out.isEmpty() && !accepting) {
                return dead;
            }
            Frame[] stacks = out.toArray(new Frame[0]);
            Arrays.sort(stacks, (a, b) -> Integer.compare(a.id, b.id));
            Key key = new Key(stacks, accepting);
            DfaState s = states.get(key);
            if (s == null) {
                if (states.size() >= MAX_STATES) {
                    throw new IllegalStateException("the grammar's automaton grew past " + MAX_STATES + " states");
                }
                s = new DfaState(stacks, accepting);
                states.put(key, s);
            }
            return s;
        }
    }

    /** The interned frame (state, parent). */
    private Frame frame(int state, Frame parent) {
        long key = ((long) (parent == null ? 0 : parent.id + 1) << 32) | state;
        Frame f = frames.get(key);
        if (f == null) {
            if (parent != null && parent.depth + 1 >= MAX_DEPTH) {
                throw new IllegalStateException("the document nests deeper than " + MAX_DEPTH
                        + " rules (a schema that recurses without writing anything?)");
            }
            f = new Frame(state, parent, frames.size(), g.distance[state]);
            frames.put(key, f);
        }
        return f;
    }

    /** A DfaState's identity: its sorted stacks (interned frames, compared by reference) and acceptance. */
    private record Key(Frame[] stacks, boolean accepting) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.accepting == accepting && Arrays.equals(k.stacks, stacks);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(stacks) + (accepting ? 1 : 0);
        }
    }
}
