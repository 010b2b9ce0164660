package dev.quill.model.weights;

import java.nio.file.Path;

/**
 * One tensor's place in a safetensors file.
 *
 * @param name tensor name
 * @param file the file holding it
 * @param dtype element type
 * @param shape dimensions
 * @param offset absolute byte offset of the data in the file
 * @param length data bytes
 */
public record TensorEntry(String name, Path file, TensorDtype dtype, long[] shape, long offset, long length) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
