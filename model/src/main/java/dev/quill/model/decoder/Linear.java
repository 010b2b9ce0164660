package dev.quill.model.decoder;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x W^T + b}, for W of shape (out, in) as PyTorch's nn.Linear has it, kept in memory as
 * its (in, out) transpose A, so that {@code y = x A + b}.
 *
 * <p>Why (in, out): it is the layout GPT-2's Conv1D checkpoints already have, and the one MKL's
 * one-row product reads fastest, by far when that product runs on two threads with MKL's Intel
 * code path (docs/BENCHMARKS.md). Inputs are (N, in) rows, so each call is one PyTorch product:
 * mm, or addmm with the bias folded in.
 *
 * @param inOut A: (in, out), contiguous
 * @param weight W: the (out, in) transposed view of A, for addmm's bias form
 * @param bias (out), or null
 */
record Linear(NDArray inOut, NDArray weight, NDArray bias) {

    /** A layer over a weight already stored (in, out), such as GPT-2's Conv1D: no copy. */
    static Linear inOut(NDArray inOut, NDArray bias) {
        return new Linear(inOut, inOut.transpose(), bias);
    }

    /**
     * A layer over {@code weight} (out, in), copied into (in, out) order; the source is closed.
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
        return bias == null
                ? x.matMul(inOut)                                       // mm
                : ai.djl.nn.core.Linear.linear(x, weight, bias).head(); // addmm(b, x, A)
    }
}
