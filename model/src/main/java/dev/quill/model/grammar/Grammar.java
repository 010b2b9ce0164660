package dev.quill.model.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grammar over bytes, as a recursive transition network: numbered states, each with byte-range
 * edges, epsilon edges, and call edges ("run rule R, then continue at state t"); a state marked
 * {@code end} finishes the rule it belongs to, returning to its caller. The root rule finishing
 * means the document is complete.
 *
 * <p>Bytes, not characters: a token may hold part of a UTF-8 character, so the automaton and the
 * token trie both work on bytes and a string rule checks UTF-8 itself. Calls make nesting and
 * recursive {@code $ref}s cheap: a rule is built once, however often it is used.
 *
 * <p>Immutable once built; the states are walked by {@link Automaton}.
 */
public final class Grammar {
    /** Used for a distance that cannot be reached (a rule that can never end). */
    static final int FAR = Integer.MAX_VALUE / 4;

    final int[][] ranges;   // [state] → triples (lo, hi, target): bytes lo..hi lead to target
    final int[][] epsilons; // [state] → targets
    final int[][] calls;    // [state] → pairs (rule start, return state)
    final boolean[] end;    // [state] finishes its rule
    final int root;         // start state of the root rule
    final int[] distance;   // [state] fewest bytes from the state to its rule's end
    private final String name;

    private Grammar(Builder b, int root, String name) {
        int n = b.ranges.size();
        this.ranges = new int[n][];
        this.epsilons = new int[n][];
        this.calls = new int[n][];
        this.end = new boolean[n];
        for (int s = 0; s < n; s++) {
            ranges[s] = b.ranges.get(s).toArray();
            epsilons[s] = b.epsilons.get(s).toArray();
            calls[s] = b.calls.get(s).toArray();
            end[s] = b.end.get(s);
        }
        this.root = root;
        this.name = name;
        this.distance = distances();
    }

    /** How many states. */
    public int size() {
        return end.length;
    }

    /** Fewest bytes that complete a document from the start: a schema's smallest answer. */
    public int minimumLength() {
        return distance[root];
    }

    @Override
    public String toString() {
        return name + " (" + size() + " states)";
    }

    /**
     * Fewest bytes from each state to the end of its rule, by relaxing every edge until nothing
     * changes (Bellman-Ford; the graphs are a few thousand states). A call costs its rule's
     * distance from its start, which may itself still be shrinking, so the loop runs to a fixpoint.
     */
    private int[] distances() {
        int n = size();
        int[] d = new int[n];
        for (int s = 0; s < n; s++) {
            d[s] = end[s] ? 0 : FAR;
        }
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int s = 0; s < n; s++) {
                int best = d[s];
                int[] r = ranges[s];
                for (int i = 0; i < r.length; i += 3) {
                    best = Math.min(best, 1 + d[r[i + 2]]);
                }
                for (int t : epsilons[s]) {
                    best = Math.min(best, d[t]);
                }
                int[] c = calls[s];
                for (int i = 0; i < c.length; i += 2) {
                    best = Math.min(best, Math.min(FAR, d[c[i]] + d[c[i + 1]]));
                }
                if (best < d[s]) {
                    d[s] = best;
                    changed = true;
                }
            }
        }
        return d;
    }

    /** Builds a grammar state by state. Not thread-safe; one grammar per builder. */
    static final class Builder {
        private final List<IntList> ranges = new ArrayList<>();
        private final List<IntList> epsilons = new ArrayList<>();
        private final List<IntList> calls = new ArrayList<>();
        private final List<Boolean> end = new ArrayList<>();

        /** A new state with no edges. */
        int state() {
            ranges.add(new IntList());
            epsilons.add(new IntList());
            calls.add(new IntList());
            end.add(false);
            return end.size() - 1;
        }

        /** Bytes {@code lo..hi} (inclusive, 0..255) lead from {@code from} to {@code to}. */
        void bytes(int from, int lo, int hi, int to) {
            if (lo < 0 || hi > 255 || lo > hi) {
                throw new IllegalArgumentException("byte range " + lo + ".." + hi);
            }
            ranges.get(from).add(lo, hi, to);
        }

        /** One byte leads from {@code from} to {@code to}. */
        void oneByte(int from, int b, int to) {
            bytes(from, b, b, to);
        }

        void epsilon(int from, int to) {
            epsilons.get(from).add(to);
        }

        /** From {@code from}, the rule starting at {@code rule} runs, then the walk continues at {@code to}. */
        void call(int from, int rule, int to) {
            calls.get(from).add(rule, to);
        }

        /** {@code state} finishes the rule it belongs to. */
        void end(int state) {
            end.set(state, true);
        }

        /** The bytes of {@code text} in sequence from {@code from}; returns the state after the last. */
        int literal(int from, byte[] text) {
            int at = from;
            for (byte b : text) {
                int next = state();
                oneByte(at, b & 0xFF, next);
                at = next;
            }
            return at;
        }

        Grammar build(int root, String name) {
            return new Grammar(this, root, name);
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[0];
        private int size;

        void add(int... values) {
            if (size + values.length > a.length) {
                a = Arrays.copyOf(a, Math.max(4, 2 * (size + values.length)));
            }
            System.arraycopy(values, 0, a, size, values.length);
            size += values.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, size);
        }
    }
}
