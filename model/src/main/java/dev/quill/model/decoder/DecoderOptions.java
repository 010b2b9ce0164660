package dev.quill.model.decoder;

/**
 * How a decoder is placed and sized.
 *
 * @param device "cpu" or "gpu:N"
 * @param slots sequences the KV cache holds at once
 * @param maxLength tokens per slot; 0 means the model's full context
 */
public record DecoderOptions(String device, int slots, int maxLength) {

    public DecoderOptions {
        if (slots <= 0) {
            throw new IllegalArgumentException("slots must be positive, got " + slots);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must be >= 0, got " + maxLength);
        }
    }

    public static DecoderOptions cpu(int slots, int maxLength) {
        return new DecoderOptions("cpu", slots, maxLength);
    }

    /** Parses "cpu", "gpu", "gpu:N" (also "cuda:N") into a DJL device. */
    public ai.djl.Device djlDevice() {
        String d = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) {
            return ai.djl.Device.cpu();
        }
        if (d.matches("(gpu|cuda)(:\\d+)?")) {
            int i = d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0;
            return ai.djl.Device.gpu(i);
        }
        throw new IllegalArgumentException("unknown device '" + device + "' (cpu, gpu:N)");
    }
}
