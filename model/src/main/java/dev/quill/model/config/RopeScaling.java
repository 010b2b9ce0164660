package dev.quill.model.config;

/**
 * {@code rope_scaling} from config.json. Only the kinds that change the inverse frequencies
 * statically are supported: {@code linear} and {@code llama3}; "default" means none.
 *
 * @param type "linear" or "llama3"
 * @param factor the context extension factor
 * @param lowFreqFactor llama3 only
 * @param highFreqFactor llama3 only
 * @param originalMaxPositions llama3 only: the context the model was pre-trained with
 */
public record RopeScaling(
        String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {

    /** Applies the scaling to rotary inverse frequencies in place, as HF's rope init functions do. */
    public void apply(double[] invFreq) {
        switch (type) {
            case "linear" -> {
                for (int i = 0; i < invFreq.length; i++) {
                    invFreq[i] /= factor;
                }
            }
            case "llama3" -> {
                double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
                double highFreqWavelen = originalMaxPositions / highFreqFactor;
                for (int i = 0; i < invFreq.length; i++) {
                    double wavelen = 2 * Math.PI / invFreq[i];
                    if (wavelen > lowFreqWavelen) {
                        invFreq[i] /= factor; // long wavelengths: plain interpolation
                    } else if (wavelen >= highFreqWavelen) {
                        // medium band: blend interpolated and original frequencies smoothly
                        double smooth = (originalMaxPositions / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                    } // short wavelengths stay as they are
                }
            }
            default -> throw new IllegalStateException("unsupported rope_scaling type " + type);
        }
    }
}
