package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** Normalisation over the last (hidden) axis. */
sealed interface Norm {

    NDArray apply(NDArray x);

    /** GPT-2: {@code (x - mean) / sqrt(var + eps) * weight + bias}. */
    record Layer(NDArray weight, NDArray bias, float eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, eps).head();
        }
    }

    /** Llama: {@code x / sqrt(mean(x^2) + eps) * weight}; no centring, no bias. */
    record Rms(NDArray weight, float eps) implements Norm {
        @Override
        public NDArray apply(NDArray x) {
            NDArray meanSquare = x.square().mean(new int[] {-1}, true);
            return x.mul(meanSquare.add(eps).sqrt().pow(-1)).mul(weight);
        }
    }
}
