package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;

/**
 * The token embedding: row {@code id} of a (V, D) table. When the model ties it to the output
 * projection, the table is kept once, as the (D, V) matrix of that projection (the layout
 * {@link Linear} reads fastest, and the lm_head is a step's largest product), and a token's
 * embedding is read as a column of it.
 *
 * @param table (V, D), or (D, V) when {@code columns}
 * @param columns whether tokens are columns of the table
 */
record Embedding(NDArray table, boolean columns) {

    /** An untied embedding, read by rows. */
    static Embedding rows(NDArray table) {
        return new Embedding(table, false);
    }

    /** The embedding of a tied model: the columns of its lm_head's (D, V) matrix. */
    static Embedding columnsOf(Linear tiedHead) {
        return new Embedding(tiedHead.inOut(), true);
    }

    /** The pass's tokens: (N, D). */
    NDArray lookup(BatchLayout layout) {
        return columns
                ? table.get(layout.tokenColumns).transpose() // (D, N) -> (N, D)
                : table.get(layout.tokenRows);
    }
}
