package dev.quill.model.grammar;

import java.util.Arrays;

/**
 * The vocabulary's tokens by their bytes, as a trie stored in preorder: node n's subtree is
 * nodes {@code [n, n + subtree[n])}, so a walk that rejects a prefix skips its whole subtree in
 * one step, and the walk is a single loop over flat arrays (see {@link Automaton#allowed}).
 *
 * <p>Built once per model, off the request path ({@link TokenTrieSource}); immutable, so shared
 * by every sequence. Tokens with no bytes (special and added tokens) are not in it: a grammar
 * never allows them.
 */
public final class TokenTrie {
    final byte[] edge;     // [node] the byte that leads into the node (node 0 is the root)
    final int[] depth;     // [node] bytes from the root
    final int[] subtree;   // [node] nodes in its subtree, itself included
    final int[] tokenFrom; // [node] tokens[tokenFrom..tokenTo) end exactly at this node
    final int[] tokenTo;
    final int[] tokens;    // token ids, in the order of their bytes
    private final byte[][] bytes; // [id] the token's bytes, or null
    private final int maxDepth;

    private TokenTrie(byte[][] bytes, int nodes, byte[] edge, int[] depth, int[] subtree, int[] tokenFrom,
                      int[] tokenTo, int[] tokens) {
        this.bytes = bytes;
        this.edge = Arrays.copyOf(edge, nodes);
        this.depth = Arrays.copyOf(depth, nodes);
        this.subtree = Arrays.copyOf(subtree, nodes);
        this.tokenFrom = Arrays.copyOf(tokenFrom, nodes);
        this.tokenTo = Arrays.copyOf(tokenTo, nodes);
        this.tokens = tokens;
        int m = 0;
        for (int d : this.depth) {
            m = Math.max(m, d);
        }
        this.maxDepth = m;
    }

    /** The trie of {@code bytes[id]} for every id whose bytes are not null or empty. */
    public static TokenTrie of(byte[][] bytes) {
        Integer[] order = java.util.stream.IntStream.range(0, bytes.length)
                .filter(id -> bytes[id] != null && bytes[id].length > 0).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        int cap = 1;
        for (int id : order) {
            cap += bytes[id].length;
        }
        byte[] edge = new byte[cap];
        int[] depth = new int[cap];
        int[] subtree = new int[cap];
        int[] from = new int[cap];
        int[] to = new int[cap];
        int[] tokens = new int[order.length];
        int[] path = new int[1]; // path[d]: the node at depth d on the current path
        int nodes = 1;
        byte[] prev = new byte[0];
        for (int k = 0; k < order.length; k++) {
            byte[] b = bytes[order[k]];
            int common = Arrays.mismatch(prev, b);
            common = common < 0 ? b.length : Math.min(common, Math.min(prev.length, b.length));
            for (int d = prev.length; d > common; d--) {
                subtree[path[d]] = nodes - path[d];
            }
            if (path.length <= b.length) {
                path = Arrays.copyOf(path, 2 * b.length + 1);
            }
            for (int d = common + 1; d <= b.length; d++) {
                edge[nodes] = b[d - 1];
                depth[nodes] = d;
                path[d] = nodes++;
            }
            int node = path[b.length];
            if (from[node] == to[node]) {
                from[node] = k;
            }
            tokens[k] = order[k];
            to[node] = k + 1;
            prev = b;
        }
        for (int d = prev.length; d >= 1; d--) {
            subtree[path[d]] = nodes - path[d];
        }
        subtree[0] = nodes;
        return new TokenTrie(bytes.clone(), nodes, edge, depth, subtree, from, to, tokens);
    }

    /** Ids the vocabulary has: the length of a logits row this trie's masks cover. */
    public int vocabSize() {
        return bytes.length;
    }

    /** Nodes, the root included. */
    public int nodes() {
        return edge.length;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** The bytes of token {@code id}, or null for a token a grammar never allows. */
    byte[] bytes(int id) {
        return id >= 0 && id < bytes.length ? bytes[id] : null;
    }
}
