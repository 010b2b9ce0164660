package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** Normalisation over the last (hidden) axis of (N, D) rows. */
sealed interface Norm {

    NDArray apply(NDArray x);

    /** GPT-2: {@code (x - mean) / sqrt(var + eps) * weight + bias}, one fused operator. */
    record Layer(NDArray weight, NDArray bias, float eps, Shape shape) implements Norm {
        Layer(NDArray weight, NDArray bias, float eps) {
            this(weight, bias, eps, weight.getShape());
        }

        @Override
        public NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, shape, weight, bias, eps).head();
        }
    }

    /**
     * Llama: {@code x / sqrt(mean(x^2) + eps) * weight}; no centring, no bias.
     *
     * @param eps a scalar array made once (a Java float would become a new array per call)
     */
    record Rms(NDArray weight, NDArray eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt(); // (N, 1)
            return x.div(rms).mul(weight);
        }
    }
}
