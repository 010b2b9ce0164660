package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quill.model.config.ModelConfig;

/**
 * Rotary position embeddings in HuggingFace's rotate-half convention: the head is split into two
 * halves rather than interleaved pairs, {@code x*cos + rotate_half(x)*sin}.
 */
final class Rotary {

    private final NDArray cos; // (maxPositions, headDim)
    private final NDArray sin; // (maxPositions, headDim)
    private final int half;

    Rotary(NDManager m, ModelConfig c, DataType type) {
        int d = c.headDim();
        half = d / 2;
        double[] invFreq = new double[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / d);
        }
        if (c.ropeScaling() != null) {
            c.ropeScaling().apply(invFreq);
        }
        int n = c.maxPositions();
        float[] cosV = new float[n * d];
        float[] sinV = new float[n * d];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < d; i++) {
                double angle = p * invFreq[i % half]; // frequencies repeat across both halves
                cosV[p * d + i] = (float) Math.cos(angle);
                sinV[p * d + i] = (float) Math.sin(angle);
            }
        }
        cos = m.create(cosV, new Shape(n, d)).toType(type, false);
        sin = m.create(sinV, new Shape(n, d)).toType(type, false);
    }

    /** cos and sin at the pass's positions, shaped (B, T, 1, headDim) to broadcast over heads. */
    NDArray[] at(BatchLayout layout) {
        NDIndex rows = new NDIndex("{}", layout.positions);
        Shape s = new Shape(layout.batch, layout.width, 1, cos.getShape().get(1));
        return new NDArray[] {cos.get(rows).reshape(s), sin.get(rows).reshape(s)};
    }

    /** Rotates x of shape (B, T, heads, headDim). */
    NDArray apply(NDArray x, NDArray[] cosSin) {
        NDArray x1 = x.get("..., :" + half);
        NDArray x2 = x.get("..., " + half + ":");
        NDArray rotated = NDArrays.concat(new ai.djl.ndarray.NDList(x2.neg(), x1), -1);
        return x.mul(cosSin[0]).add(rotated.mul(cosSin[1]));
    }
}
