package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * What one batch-1 decode step of a {@link Decoder} reads and multiplies, for the benchmark: the
 * weight bytes a token streams from memory (the roofline's numerator), and the step's weight
 * products replayed alone, through the same {@link Linear} calls on the decoder's own weights (same
 * shapes, same memory layouts), so that a step's time splits into matrix work and everything else.
 *
 * <p>Owns a manager with one (1, in) input per product; close it. Same thread as the decoder.
 */
public final class StepAnatomy implements AutoCloseable {

    private final List<Linear> products = new ArrayList<>(); // in step order
    private final List<NDArray> inputs = new ArrayList<>();  // (1, in) for each product: one token
    private final NDManager manager;
    private final long weightBytesPerToken;

    public StepAnatomy(Decoder decoder) {
        this.manager = decoder.manager().newSubManager();
        long bytes = 0;
        for (Block b : decoder.blocks()) {
            bytes += normBytes(b.norm1()) + normBytes(b.norm2());
            Attention a = b.attention();
            add(a.qkv());
            add(a.out());
            if (b.mlp() instanceof Mlp.Gelu g) {
                add(g.fc());
                add(g.proj());
            } else if (b.mlp() instanceof Mlp.SwiGlu s) {
                add(s.gateUp());
                add(s.down());
            }
        }
        bytes += normBytes(decoder.finalNorm());
        add(decoder.lmHead());
        for (Linear l : products) {
            bytes += bytes(l.weight()) + (l.bias() == null ? 0 : bytes(l.bias()));
        }
        // one token embedding (and one position embedding) per token
        bytes += bytes(decoder.embed().table()) / decoder.config().vocabSize();
        if (decoder.positionEmbed() != null) {
            bytes += bytes(decoder.positionEmbed()) / decoder.positionEmbed().getShape().get(0);
        }
        this.weightBytesPerToken = bytes;
    }

    private void add(Linear l) {
        products.add(l);
        long in = l.weight().getShape().get(1);
        inputs.add(manager.randomNormal(0, 1, new Shape(1, in), l.weight().getDataType()));
    }

    /** Bytes of weights (and biases, norm scales) one token reads: every one of them, once. */
    public long weightBytesPerToken() {
        return weightBytesPerToken;
    }

    /** Weight products in one step: 4 per block and the lm_head. */
    public int productCount() {
        return products.size();
    }

    /** Runs each of a step's weight products once, alone, on a single token. */
    public void runProducts() {
        for (int i = 0; i < products.size(); i++) {
            products.get(i).apply(inputs.get(i)).close();
        }
    }

    private static long normBytes(Norm n) {
        if (n instanceof Norm.Layer l) {
            return bytes(l.weight()) + bytes(l.bias());
        }
        return bytes(((Norm.Rms) n).weight());
    }

    private static long bytes(NDArray a) {
        DataType t = a.getDataType();
        return a.getShape().size() * t.getNumOfBytes();
    }

    @Override
    public void close() {
        manager.close();
    }
}
