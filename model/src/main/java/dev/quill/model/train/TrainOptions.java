package dev.quill.model.train;

import dev.quill.model.weights.TensorDtype;

import java.nio.file.Path;

/**
 * Everything a training run is told. {@link #defaults} are the demo model's settings.
 *
 * @param corpus chat dataset, JSON Lines ({@link ChatCorpus})
 * @param out the model folder to write (created; files in it are replaced)
 * @param vocab tokenizer size, special tokens included; fewer when the corpus runs out of pairs seen twice
 * @param layers transformer blocks
 * @param hidden model width
 * @param heads attention heads
 * @param intermediate feed-forward width; 0 for {@link ModelShape#defaultIntermediate}
 * @param context max_position_embeddings written to config.json
 * @param steps optimizer steps
 * @param seqLen tokens per packed row
 * @param batch rows per step
 * @param lr peak learning rate
 * @param minLr learning rate at the end of the cosine decay
 * @param warmup steps of linear warm-up from 0 to {@code lr}
 * @param weightDecay AdamW's decoupled weight decay, on matrices only (not on norm weights)
 * @param clip largest global gradient norm; larger gradients are scaled down to it
 * @param dropout rate on the embeddings and on each block's output while training
 * @param twoTurn two-turn conversations added to each pass over the data, drawn afresh each time, as a
 *     fraction of the corpus's conversations (so a reply can follow history)
 * @param seed weights, data order and conversation pairing
 * @param saveEvery steps between checkpoints; 0 for only the final one
 * @param dtype how model.safetensors stores the weights
 * @param device "cpu" or "gpu:N"
 */
public record TrainOptions(Path corpus, Path out, int vocab, int layers, int hidden, int heads, int intermediate,
                           int context, int steps, int seqLen, int batch, double lr, double minLr, int warmup,
                           double weightDecay, double clip, double dropout, double twoTurn, long seed, int saveEvery,
                           TensorDtype dtype, String device) {

    public TrainOptions {
        if (steps <= 0 || seqLen <= 1 || batch <= 0 || vocab <= 256 + TokenizerFiles.SPECIAL_TOKENS.size()) {
            throw new IllegalArgumentException("steps and batch must be positive, seq-len above 1, vocab above 259");
        }
        if (lr <= 0 || minLr < 0 || minLr > lr || warmup < 0 || warmup >= steps || clip <= 0 || weightDecay < 0
                || dropout < 0 || dropout >= 1 || twoTurn < 0 || saveEvery < 0) {
            throw new IllegalArgumentException("need lr > 0, 0 <= min-lr <= lr, 0 <= warmup < steps, clip > 0, "
                    + "0 <= dropout < 1, weight-decay, two-turn and save-every >= 0");
        }
        new ModelShape(vocab, hidden, layers, heads, intermediate > 0 ? intermediate : 1, context); // checks the shape
        if (seqLen > context) {
            throw new IllegalArgumentException("seq-len " + seqLen + " exceeds the context " + context);
        }
    }

    /** The demo model's settings (see docs/DEMO_MODEL.md for why these). */
    public static TrainOptions defaults(Path corpus, Path out) {
        return new TrainOptions(corpus, out, 2048, 4, 256, 4, 0, 512, 600, 256, 8, 2e-3, 2e-4, 60,
                0.1, 1.0, 0.1, 0.5, 1234, 200, TensorDtype.F16, "cpu");
    }

    public int intermediateSize() {
        return intermediate > 0 ? intermediate : ModelShape.defaultIntermediate(hidden);
    }
}
