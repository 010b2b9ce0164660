package dev.quill.model.train;

import java.util.List;

/**
 * A learned byte-level BPE vocabulary.
 *
 * @param tokens id → token in the byte-level alphabet; the 256 bytes first, then merge results
 * @param merges in rank order, each {@code "left right"} as tokenizer.json writes them
 */
public record BpeVocabulary(List<String> tokens, List<String> merges) {

    public int size() {
        return tokens.size();
    }
}
