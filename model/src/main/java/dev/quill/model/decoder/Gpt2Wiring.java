package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.quill.model.config.ModelConfig;
import dev.quill.model.weights.Checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2's weight names and layout. Its checkpoints store Conv1D weights as (in, out), the memory
 * layout {@link Linear} wants: they are used straight from the mapped file, as (out, in) views.
 */
final class Gpt2Wiring {

    private final ModelConfig c;
    private final Checkpoint ckpt;
    private final NDManager m;
    private final DataType type;
    private final String prefix; // "transformer." when saved from GPT2LMHeadModel, "" for the base model

    Gpt2Wiring(ModelConfig c, Checkpoint ckpt, NDManager m, DataType type) {
        this.c = c;
        this.ckpt = ckpt;
        this.m = m;
        this.type = type;
        this.prefix = ckpt.has("transformer.wte.weight") ? "transformer." : "";
    }

    Decoder.Parts parts() {
        long d = c.hiddenSize();
        Linear lmHead = Linear.copiedToInOut(load("wte.weight", c.vocabSize(), d), null); // tied: (D, V)
        NDArray wpe = load("wpe.weight", c.maxPositions(), d);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            blocks.add(block("h." + i + "."));
        }
        return new Decoder.Parts(Embedding.columnsOf(lmHead), wpe, null, blocks, layerNorm("ln_f."), lmHead);
    }

    private Block block(String p) {
        long d = c.hiddenSize();
        long inner = c.intermediateSize();
        Attention attention = new Attention(
                conv1d(p + "attn.c_attn.", d, 3 * d),
                conv1d(p + "attn.c_proj.", d, d),
                c.numHeads(), c.numKvHeads(), c.headDim(), attentionScale(), false);
        Mlp mlp = Mlp.Gelu.of(conv1d(p + "mlp.c_fc.", d, inner), conv1d(p + "mlp.c_proj.", inner, d), m, type);
        return new Block(layerNorm(p + "ln_1."), attention, layerNorm(p + "ln_2."), mlp);
    }

    private Linear conv1d(String p, long in, long out) {
        return Linear.inOut(load(p + "weight", in, out), load(p + "bias", out)); // (in, out), from the mapping
    }

    private NDArray attentionScale() {
        return m.create((float) (1 / Math.sqrt(c.headDim()))).toType(type, false);
    }

    private Norm layerNorm(String p) {
        long d = c.hiddenSize();
        return new Norm.Layer(load(p + "weight", d), load(p + "bias", d), (float) c.normEps());
    }

    private NDArray load(String name, long... shape) {
        return ckpt.load(m, prefix + name, type, shape);
    }
}
