package dev.quill.model.weights;

/** The safetensors element types Quill reads. Everything else in a checkpoint is refused by name. */
public enum TensorDtype {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    TensorDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Parses a safetensors dtype string, or returns null if Quill does not read it. */
    static TensorDtype parse(String s) {
        return switch (s) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> null;
        };
    }
}
