package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x W^T + b}, with W stored as PyTorch's nn.Linear does: (out, in).
 *
 * @param weight (out, in)
 * @param bias (out), or null
 */
record Linear(NDArray weight, NDArray bias) {

    NDArray apply(NDArray x) {
        return bias == null
                ? ai.djl.nn.core.Linear.linear(x, weight).head()
                : ai.djl.nn.core.Linear.linear(x, weight, bias).head();
    }

    long outFeatures() {
        return weight.getShape().get(0);
    }
}
