package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quill.model.config.ModelConfig;

/**
 * Rotary position embeddings in HuggingFace's rotate-half convention: the head is split into two
 * halves rather than interleaved pairs, {@code x*cos + rotate_half(x)*sin}.
 *
 * <p>That rotation is linear in x, so a token's is one (headDim, headDim) matrix
 * {@code M = diag(cos) + R diag(sin)}, where R is the signed permutation of rotate_half. A pass
 * builds each token's M once; every layer then rotates all its heads with one batched product
 * instead of slicing, negating, concatenating, multiplying and adding per layer. M has two
 * non-zeros per column, so the product adds the same two terms as the elementwise formula.
 */
final class Rotary {

    private final NDArray cos;        // (maxPositions, 1, headDim)
    private final NDArray sin;        // (maxPositions, 1, headDim)
    private final NDArray identity;   // (headDim, headDim)
    private final NDArray rotateHalf; // (headDim, headDim): x R = rotate_half(x) = [-x2, x1]

    Rotary(NDManager m, ModelConfig c, DataType type) {
        int d = c.headDim();
        int half = d / 2;
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
        float[] eye = new float[d * d];
        float[] r = new float[d * d]; // r[j][i]: weight of input j in output i
        for (int i = 0; i < d; i++) {
            eye[i * d + i] = 1f;
            if (i < half) {
                r[(i + half) * d + i] = -1f; // out[i] = -x[i + half]
            } else {
                r[(i - half) * d + i] = 1f;  // out[i] = x[i - half]
            }
        }
        cos = m.create(cosV, new Shape(n, 1, d)).toType(type, false);
        sin = m.create(sinV, new Shape(n, 1, d)).toType(type, false);
        identity = m.create(eye, new Shape(d, d)).toType(type, false);
        rotateHalf = m.create(r, new Shape(d, d)).toType(type, false);
    }

    /** Each row's rotation matrix at its position: (N, headDim, headDim). */
    NDArray at(BatchLayout layout) {
        NDArray c = cos.get(layout.positionRows); // (N, 1, headDim)
        NDArray s = sin.get(layout.positionRows);
        return identity.mul(c).add(rotateHalf.mul(s)); // M[n][j][i] = I[j][i] cos[n][i] + R[j][i] sin[n][i]
    }

    /** Rotates x (N, heads, headDim) by each row's matrix from {@link #at}. */
    static NDArray apply(NDArray x, NDArray rotation) {
        return x.matMul(rotation); // (N, heads, headDim) @ (N, headDim, headDim)
    }
}
