package dev.quill.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Widens 16-bit floats to fp32 off the Java heap. bf16 must never reach DJL 0.35.1's PyTorch
 * engine (it aborts the JVM), and fp16 matmul on CPU is an order of magnitude slower than fp32.
 */
final class HalfFloats {

    private HalfFloats() {
    }

    /** Returns a new direct little-endian buffer of {@code count} fp32 values. */
    static ByteBuffer widen(ByteBuffer src, TensorDtype dtype, long count) {
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("tensor of " + count + " elements is too large to widen");
        }
        ShortBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = out.asFloatBuffer();
        if (dtype == TensorDtype.BF16) {
            for (int i = 0; i < count; i++) {
                f.put(i, Float.intBitsToFloat((in.get(i) & 0xffff) << 16)); // bf16 is fp32's top half
            }
        } else {
            for (int i = 0; i < count; i++) {
                f.put(i, halfToFloat(in.get(i)));
            }
        }
        return out;
    }

    /** IEEE 754 binary16 to binary32, subnormals, infinities and NaN included. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** binary32 to binary16, round to nearest even; too large becomes infinity, too small a subnormal or 0. */
    static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0)); // infinity, or a quiet NaN
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            int shift = 14 - e; // a subnormal half holds value * 2^24 as an integer
            if (shift > 24) {
                return (short) sign;
            }
            int full = mant | 0x800000;
            return (short) (sign | roundShift(full, shift));
        }
        // a carry out of the mantissa bumps the exponent, up to infinity: the right bits either way
        return (short) (sign | roundShift((e << 23) | mant, 13));
    }

    /** binary32 to bfloat16 (fp32's top half), round to nearest even. */
    static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) roundShift(bits, 16);
    }

    /** {@code v >> shift}, rounded to nearest, ties to even. */
    private static int roundShift(int v, int shift) {
        int kept = v >>> shift;
        int rest = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        return rest > half || (rest == half && (kept & 1) == 1) ? kept + 1 : kept;
    }
}
