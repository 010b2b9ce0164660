package dev.quill.model.testing;

import java.util.Objects;

/**
 * The reference's own view of a model's hyper-parameters (what config.json says).
 *
 * @param vocabSize rows of the embedding and the lm_head
 * @param numKvHeads equal to {@code numHeads} for GPT-2
 * @param headDim {@code head_dim}, or hidden / heads where config.json has none
 * @param intermediateSize GPT-2's {@code n_inner} (4 × hidden when null), Llama's {@code intermediate_size}
 * @param maxPositions GPT-2's {@code n_positions}, Llama's {@code max_position_embeddings}
 * @param normEps {@code layer_norm_epsilon} or {@code rms_norm_eps}
 * @param ropeTheta unused for GPT-2
 * @param ropeScaling {@code null} for none
 * @param tieWordEmbeddings the lm_head is the embedding matrix (no {@code lm_head.weight})
 * @param qkvBias q/k/v projections have biases (Qwen2)
 */
public record ReferenceConfig(Family family, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                              int numKvHeads, int headDim, int intermediateSize, int maxPositions, double normEps,
                              double ropeTheta, RopeScaling ropeScaling, boolean tieWordEmbeddings,
                              boolean qkvBias) {
    public ReferenceConfig {
        Objects.requireNonNull(family);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("heads " + numHeads + " not a multiple of kv heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("odd head_dim " + headDim);
        }
    }

    /** A copy with another {@code rope_scaling}. */
    public ReferenceConfig withRopeScaling(RopeScaling scaling) {
        return new ReferenceConfig(family, vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, headDim,
                intermediateSize, maxPositions, normEps, ropeTheta, scaling, tieWordEmbeddings, qkvBias);
    }
}
