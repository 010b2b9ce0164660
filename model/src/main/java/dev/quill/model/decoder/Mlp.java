package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/** The position-wise feed-forward block, on (N, D) rows. */
sealed interface Mlp {

    NDArray apply(NDArray x);

    /**
     * GPT-2: {@code proj(gelu_tanh(fc(x)))}, GPT-2's "gelu_new" (the tanh approximation, not the erf
     * form torch uses by default). Since {@code (1 + tanh(u)) / 2 = sigmoid(2u)}, it is computed as
     * {@code h * sigmoid(h * (a + b h^2))} with a = 2 sqrt(2/pi), b = 0.044715 a: six operators
     * instead of eight, and no cancellation in {@code 1 + tanh(u)} for large negative u.
     *
     * @param a 2 sqrt(2/pi), a scalar array made once
     * @param b 0.044715 * a, likewise
     */
    record Gelu(Linear fc, Linear proj, NDArray a, NDArray b) implements Mlp {

        static Gelu of(Linear fc, Linear proj, NDManager m, DataType type) {
            double a = 2 * Math.sqrt(2 / Math.PI);
            return new Gelu(fc, proj, m.create((float) a).toType(type, false),
                    m.create((float) (0.044715 * a)).toType(type, false));
        }

        @Override
        public NDArray apply(NDArray x) {
            NDArray h = fc.apply(x);
            NDArray gate = Activation.sigmoid(h.square().mul(b).add(a).mul(h)); // sigmoid(2 sqrt(2/pi) (h + 0.044715 h^3))
            return proj.apply(h.mul(gate));
        }
    }

    /**
     * Llama: {@code down(silu(gate(x)) * up(x))}. Gate and up are fused into one (2 * inner, in)
     * matrix at load time so a step runs one matrix product instead of two.
     */
    record SwiGlu(Linear gateUp, Linear down) implements Mlp {
        @Override
        public NDArray apply(NDArray x) {
            NDList gu = gateUp.apply(x).split(2, 1); // (N, inner) each
            NDArray gate = gu.get(0);
            return down.apply(gate.mul(Activation.sigmoid(gate)).mul(gu.get(1)));
        }
    }
}
