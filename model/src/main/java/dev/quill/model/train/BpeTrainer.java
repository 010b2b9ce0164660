package dev.quill.model.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns a byte-level BPE vocabulary the way GPT-2's was learned: cut the text with the
 * pre-tokenizer, spell each piece in the byte-level alphabet, then merge the most frequent
 * adjacent pair again and again, each merge adding one token.
 *
 * <p>Deterministic: ties go to the pair whose left, then right, token sorts first, so the same
 * corpus always gives the same vocabulary.
 */
public final class BpeTrainer {

    private final List<String> tokens = new ArrayList<>(ByteLevel.alphabet()); // id → byte-level text
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> merges = new ArrayList<>();
    private final List<int[]> words = new ArrayList<>();     // each distinct piece as token ids
    private final List<Integer> counts = new ArrayList<>();  // how often each piece occurs
    private final Map<Long, Integer> pairCounts = new HashMap<>();

    private BpeTrainer(Map<String, Integer> pieceCounts) {
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        pieceCounts.forEach((piece, count) -> {
            int[] w = new int[piece.length()];
            for (int i = 0; i < w.length; i++) {
                w[i] = ids.get(String.valueOf(piece.charAt(i)));
            }
            words.add(w);
            counts.add(count);
            addPairs(w, count);
        });
    }

    /**
     * @param texts the training text, special tokens already removed
     * @param maxTokens vocabulary size to stop at: the 256 bytes plus the merges
     * @param minFrequency a pair seen fewer times than this is not merged
     */
    public static BpeVocabulary train(Iterable<String> texts, int maxTokens, int minFrequency) {
        Map<String, Integer> pieceCounts = new TreeMap<>(); // sorted: the same order on every run
        for (String text : texts) {
            for (String piece : ByteLevel.split(text)) {
                pieceCounts.merge(ByteLevel.encode(piece), 1, Integer::sum);
            }
        }
        BpeTrainer t = new BpeTrainer(pieceCounts);
        while (t.tokens.size() < maxTokens && t.mergeBest(minFrequency)) {
            // each round adds one merge and, unless its text already exists, one token
        }
        return new BpeVocabulary(List.copyOf(t.tokens), List.copyOf(t.merges));
    }

    /** Merges the most frequent pair; false when none is frequent enough. */
    private boolean mergeBest(int minFrequency) {
        long best = -1;
        int bestCount = 0;
        for (Map.Entry<Long, Integer> e : pairCounts.entrySet()) {
            int c = e.getValue();
            if (c > bestCount || (c == bestCount && c > 0 && sortsBefore(e.getKey(), best))) {
                best = e.getKey();
                bestCount = c;
            }
        }
        if (best < 0 || bestCount < minFrequency) {
            return false;
        }
        int left = (int) (best >>> 32);
        int right = (int) best;
        String text = tokens.get(left) + tokens.get(right);
        Integer merged = ids.get(text);
        if (merged == null) {
            merged = tokens.size();
            tokens.add(text);
            ids.put(text, merged);
        }
        merges.add(tokens.get(left) + " " + tokens.get(right));
        for (int w = 0; w < words.size(); w++) {
            int[] word = words.get(w);
            if (contains(word, left, right)) {
                addPairs(word, -counts.get(w));
                word = apply(word, left, right, merged);
                words.set(w, word);
                addPairs(word, counts.get(w));
            }
        }
        return true;
    }

    private boolean sortsBefore(long pair, long other) {
        int c = tokens.get((int) (pair >>> 32)).compareTo(tokens.get((int) (other >>> 32)));
        return c != 0 ? c < 0 : tokens.get((int) pair).compareTo(tokens.get((int) other)) < 0;
    }

    private void addPairs(int[] word, int count) {
        for (int i = 0; i + 1 < word.length; i++) {
            long key = ((long) word[i] << 32) | word[i + 1];
            int c = pairCounts.merge(key, count, Integer::sum);
            if (c == 0) {
                pairCounts.remove(key);
            }
        }
    }

    private static boolean contains(int[] word, int left, int right) {
        for (int i = 0; i + 1 < word.length; i++) {
            if (word[i] == left && word[i + 1] == right) {
                return true;
            }
        }
        return false;
    }

    /** Replaces each (left, right) occurrence, scanning left to right, as BPE applies a merge. */
    private static int[] apply(int[] word, int left, int right, int merged) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
