package dev.quill.model.decoder;

/**
 * How a decoder is placed and sized.
 *
 * @param device "cpu" or "gpu:N"
 * @param slots sequences the KV cache holds at once
 * @param maxLength tokens one sequence may reach; 0 means the model's full context
 * @param kvTokens the KV cache pool in positions (whole blocks of {@link KvCache#BLOCK_SIZE}), shared by
 *     every sequence; 0 means slots x maxLength, a full context for each slot
 */
public record DecoderOptions(String device, int slots, int maxLength, long kvTokens) {

    public DecoderOptions(String device, int slots, int maxLength) {
        this(device, slots, maxLength, 0);
    }

    public DecoderOptions {
        if (kvTokens < 0) {
            throw new IllegalArgumentException("kvTokens must be >= 0, got " + kvTokens);
        }
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
