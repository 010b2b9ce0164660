package dev.quill.model.testing;

import java.nio.ByteBuffer;

/**
 * The floating-point element types a fixture checkpoint can be stored in, with their safetensors
 * names and exact little-endian encodings.
 *
 * <p>Conversions from {@code float} round to nearest, ties to even (what {@code torch.Tensor.to}
 * does), so a value that is representable in the target type survives unchanged.
 */
public enum Dtype {
    F32("F32", 4, "float32"),
    F16("F16", 2, "float16"),
    BF16("BF16", 2, "bfloat16");

    private final String safetensorsName;
    private final int bytes;
    private final String torchName;

    Dtype(String safetensorsName, int bytes, String torchName) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
        this.torchName = torchName;
    }

    /** The {@code dtype} string of a safetensors header: {@code F32}, {@code F16}, {@code BF16}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The {@code torch_dtype} value a HuggingFace config.json uses for this type. */
    public String torchName() {
        return torchName;
    }

    /** Appends {@code value} in this type to {@code out}, whose order must be little-endian. */
    public void put(ByteBuffer out, float value) {
        switch (this) {
            case F32 -> out.putFloat(value);
            case F16 -> out.putShort(toF16Bits(value));
            case BF16 -> out.putShort(toBf16Bits(value));
        }
    }

    /** Reads one element of this type from {@code in} (little-endian) as a float. */
    public float get(ByteBuffer in) {
        return switch (this) {
            case F32 -> in.getFloat();
            case F16 -> f16BitsToFloat(in.getShort());
            case BF16 -> bf16BitsToFloat(in.getShort());
        };
    }

    /** {@code value} rounded to this type and back: what a reader of the checkpoint will see. */
    public float round(float value) {
        return switch (this) {
            case F32 -> value;
            case F16 -> f16BitsToFloat(toF16Bits(value));
            case BF16 -> bf16BitsToFloat(toBf16Bits(value));
        };
    }

    // ---- bfloat16: the top 16 bits of an IEEE float32 ------------------------------------------

    /** float32 → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    public static short toBf16Bits(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040); // keep the sign, force a quiet-NaN mantissa bit
        }
        int lsb = (bits >>> 16) & 1; // ties go to the even neighbour
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** bfloat16 bits → float32 (exact). */
    public static float bf16BitsToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    // ---- IEEE binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits ------------------------

    /** float32 → IEEE half bits, round to nearest even, with subnormals, overflow to infinity. */
    public static short toF16Bits(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7F_FFFF;
        if (exp == 0xFF) { // infinity or NaN
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x0200 | (mant >>> 13) : 0));
        }
        int halfExp = exp - 127 + 15;
        if (halfExp >= 0x1F) {
            return (short) (sign | 0x7C00); // too large: infinity
        }
        if (halfExp <= 0) {
            // Subnormal half: value = m * 2^-24. The float is M * 2^(exp-150), M = 1.mant as 24 bits,
            // so m = M >> (126 - exp) = M >> (14 - halfExp), rounded to nearest even.
            int shift = 14 - halfExp;
            if (shift > 24) {
                return (short) sign; // below half of the smallest subnormal: zero
            }
            int full = mant | 0x80_0000;
            int m = full >>> shift;
            int rem = full & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rem > half || (rem == half && (m & 1) == 1)) {
                m++; // may carry into the smallest normal (0x0400): still the right bits
            }
            return (short) (sign | m);
        }
        int h = (halfExp << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (h & 1) == 1)) {
            h++; // a carry out of the mantissa bumps the exponent; 0x7C00 is infinity, as it should be
        }
        return (short) (sign | h);
    }

    /** IEEE half bits → float32 (exact). */
    public static float f16BitsToFloat(short halfBits) {
        int h = halfBits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f; // subnormal (or zero): exact in float32
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
