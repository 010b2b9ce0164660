package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x W^T + b}, with W as PyTorch's nn.Linear has it: (out, in).
 *
 * <p>W is normally a transposed view of an (in, out) matrix in memory: the layout GPT-2's Conv1D
 * checkpoints already have, and the one MKL's single-row product streams fastest, by far when it
 * runs on two threads with its Intel code path (docs/BENCHMARKS.md). Inputs are (N, in) rows, so
 * each call is one PyTorch product: mm on the (in, out) matrix, or addmm with the bias folded in.
 *
 * @param weight (out, in)
 * @param inOut the same matrix as (in, out) in memory, or null where W is stored (out, in) (a tied head)
 * @param bias (out), or null
 */
record Linear(NDArray weight, NDArray inOut, NDArray bias) {

    /** A layer over a weight stored (out, in), used as it is: a tied lm_head, the embedding itself. */
    static Linear outIn(NDArray weight) {
        return new Linear(weight, null, null);
    }

    /** A layer over a weight stored (in, out), such as GPT-2's Conv1D: no copy. */
    static Linear inOut(NDArray inOut, NDArray bias) {
        return new Linear(inOut.transpose(), inOut, bias);
    }

    /**
     * A layer over {@code weight} (out, in) copied into (in, out) order; the source is closed.
     * Reshaping the transposed view is what forces the copy.
     */
    static Linear copiedToInOut(NDArray weight, NDArray bias) {
        long out = weight.getShape().get(0);
        long in = weight.getShape().get(1);
        NDArray view = weight.transpose();
        NDArray flat = view.reshape(in * out);          // the copy, in (in, out) order
        NDArray inOut = flat.reshape(in, out);
        for (NDArray handle : new NDArray[] {weight, view, flat}) {
            handle.close();                             // PyTorch keeps the storage inOut uses
        }
        return inOut(inOut, bias);
    }

    /** x: (N, in); returns (N, out). */
    NDArray apply(NDArray x) {
        if (bias == null && inOut != null) {
            return x.matMul(inOut);                                    // mm
        }
        return bias == null
                ? ai.djl.nn.core.Linear.linear(x, weight).head()       // mm against W^T (a tied head)
                : ai.djl.nn.core.Linear.linear(x, weight, bias).head(); // addmm
    }
}
