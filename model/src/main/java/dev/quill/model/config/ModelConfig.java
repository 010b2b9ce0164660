package dev.quill.model.config;

import java.util.List;

/**
 * The architecture of one model, read from config.json. Names follow the Llama config; GPT-2's
 * {@code n_embd}, {@code n_layer}, ... are mapped onto them by {@link ModelConfigReader}.
 *
 * @param modelType config.json's {@code model_type}, e.g. "gpt2", "llama", "qwen2"
 * @param family the decoder wiring this model uses
 * @param vocabSize rows of the embedding matrix
 * @param hiddenSize model width d_model
 * @param numLayers transformer blocks
 * @param numHeads query heads
 * @param numKvHeads key/value heads (fewer than numHeads under grouped-query attention)
 * @param headDim width of one head, d_k
 * @param intermediateSize hidden width of the feed-forward block
 * @param normEps epsilon of LayerNorm / RMSNorm
 * @param ropeTheta rotary base; unused by GPT-2
 * @param ropeScaling rotary frequency scaling, or null
 * @param maxPositions the context length: max_position_embeddings / n_positions
 * @param tieWordEmbeddings whether the output projection reuses the token embedding matrix
 * @param qkvBias whether q/k/v projections carry a bias (GPT-2, Qwen2)
 * @param bosTokenId beginning-of-sequence id, or null
 * @param eosTokenIds end-of-sequence ids (config.json allows one or a list)
 */
public record ModelConfig(
        String modelType,
        Family family,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        double normEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositions,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        Integer bosTokenId,
        List<Integer> eosTokenIds) {

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }
}
