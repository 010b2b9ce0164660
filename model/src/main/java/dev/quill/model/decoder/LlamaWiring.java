package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.quill.model.config.ModelConfig;
import dev.quill.model.weights.Checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The Llama family's weight names (Llama, Qwen2, SmolLM, TinyLlama, Mistral). q/k/v and
 * gate/up are fused into one matrix each at load time, so a step runs two products fewer per
 * block, and every projection is copied once, off the mapping, into the (in, out) layout that
 * {@link Linear} wants.
 */
final class LlamaWiring {

    private final ModelConfig c;
    private final Checkpoint ckpt;
    private final NDManager m;
    private final DataType type;

    LlamaWiring(ModelConfig c, Checkpoint ckpt, NDManager m, DataType type) {
        this.c = c;
        this.ckpt = ckpt;
        this.m = m;
        this.type = type;
    }

    Decoder.Parts parts() {
        long d = c.hiddenSize();
        Rotary rotary = new Rotary(m, c, type);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            blocks.add(block("model.layers." + i + "."));
        }
        NDArray table = load("model.embed_tokens.weight", c.vocabSize(), d);
        boolean tied = c.tieWordEmbeddings() && !ckpt.has("lm_head.weight");
        Linear lmHead = Linear.copiedToInOut(tied ? table : load("lm_head.weight", c.vocabSize(), d), null);
        Embedding embed = tied ? Embedding.columnsOf(lmHead) : Embedding.rows(table);
        return new Decoder.Parts(embed, null, rotary, blocks, rms("model.norm.weight"), lmHead);
    }

    private Block block(String p) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long inner = c.intermediateSize();
        String a = p + "self_attn.";
        NDArray qkvWeight = fuse(load(a + "q_proj.weight", q, d), load(a + "k_proj.weight", kv, d),
                load(a + "v_proj.weight", kv, d));
        NDArray qkvBias = c.qkvBias()
                ? fuse(load(a + "q_proj.bias", q), load(a + "k_proj.bias", kv), load(a + "v_proj.bias", kv))
                : null;
        Attention attention = new Attention(Linear.copiedToInOut(qkvWeight, qkvBias),
                Linear.copiedToInOut(load(a + "o_proj.weight", d, q), null),
                c.numHeads(), c.numKvHeads(), c.headDim(), scalar(1 / Math.sqrt(c.headDim())), true);
        String f = p + "mlp.";
        Mlp mlp = new Mlp.SwiGlu(
                Linear.copiedToInOut(fuse(load(f + "gate_proj.weight", inner, d), load(f + "up_proj.weight", inner, d)), null),
                Linear.copiedToInOut(load(f + "down_proj.weight", d, inner), null));
        return new Block(rms(p + "input_layernorm.weight"), attention, rms(p + "post_attention_layernorm.weight"), mlp);
    }

    private NDArray fuse(NDArray... parts) {
        NDArray fused = NDArrays.concat(new NDList(parts), 0);
        for (NDArray part : parts) {
            part.close();
        }
        return fused;
    }

    private Norm rms(String name) {
        return new Norm.Rms(load(name, c.hiddenSize()), scalar(c.normEps()));
    }

    private NDArray scalar(double value) {
        return m.create((float) value).toType(type, false);
    }

    private NDArray load(String name, long... shape) {
        return ckpt.load(m, name, type, shape);
    }
}
