package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/** The position-wise feed-forward block. */
sealed interface Mlp {

    NDArray apply(NDArray x);

    /** GPT-2: {@code proj(gelu_tanh(fc(x)))}. */
    record Gelu(Linear fc, Linear proj) implements Mlp {
        private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

        @Override
        public NDArray apply(NDArray x) {
            NDArray h = fc.apply(x);
            // GPT-2's "gelu_new": the tanh approximation, not the erf form torch uses by default
            NDArray inner = h.add(h.pow(3).mul(0.044715f)).mul(SQRT_2_OVER_PI);
            return proj.apply(h.mul(0.5f).mul(inner.tanh().add(1f)));
        }
    }

    /**
     * Llama: {@code down(silu(gate(x)) * up(x))}. Gate and up are fused into one (2 * inner, in)
     * matrix at load time so a step runs one matrix product instead of two.
     */
    record SwiGlu(Linear gateUp, Linear down) implements Mlp {
        @Override
        public NDArray apply(NDArray x) {
            NDList gu = gateUp.apply(x).split(2, 2); // x is (B, T, D); DJL split takes no negative axis
            NDArray gate = gu.get(0);
            return down.apply(gate.mul(Activation.sigmoid(gate)).mul(gu.get(1)));
        }
    }
}
