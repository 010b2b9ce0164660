package dev.quill.model.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DtypeTest {

    @Test
    void everyBf16ValueSurvivesARoundTrip() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = Dtype.bf16BitsToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(Dtype.toBf16Bits(f) & 0xFFFF).as("bf16 0x%04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void everyF16ValueSurvivesARoundTrip() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float f = Dtype.f16BitsToFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertThat(Dtype.toF16Bits(f) & 0xFFFF).as("f16 0x%04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void f16DecodesKnownValues() {
        assertThat(Dtype.f16BitsToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(Dtype.f16BitsToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(Dtype.f16BitsToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(Dtype.f16BitsToFloat((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(Dtype.f16BitsToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Dtype.f16BitsToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Dtype.f16BitsToFloat((short) 0x8000)).isEqualTo(-0.0f);
        assertThat(Dtype.bf16BitsToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(Dtype.bf16BitsToFloat((short) 0xC040)).isEqualTo(-3.0f);
    }

    @Test
    void ties_roundToEven() {
        // bf16 keeps 7 mantissa bits: ulp(1) = 2^-7
        assertThat(Dtype.toBf16Bits(1 + 0x1p-8f)).isEqualTo((short) 0x3F80);       // tie → even (down)
        assertThat(Dtype.toBf16Bits(1 + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);   // tie → even (up)
        assertThat(Dtype.toBf16Bits(1 + 0x1p-8f + 0x1p-20f)).isEqualTo((short) 0x3F81);
        // f16 keeps 10: ulp(1) = 2^-10
        assertThat(Dtype.toF16Bits(1 + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(Dtype.toF16Bits(1 + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(Dtype.toF16Bits(65519f)).isEqualTo((short) 0x7BFF);
        assertThat(Dtype.toF16Bits(65520f)).isEqualTo((short) 0x7C00);            // tie with "65536" → inf
        assertThat(Dtype.toF16Bits(0x1p-25f)).isEqualTo((short) 0x0000);          // tie with 2^-24 → even 0
        assertThat(Dtype.toF16Bits(3 * 0x1p-25f)).isEqualTo((short) 0x0002);      // subnormal tie → even
        assertThat(Dtype.toF16Bits(-1e-30f)).isEqualTo((short) 0x8000);
        assertThat(Float.isNaN(Dtype.f16BitsToFloat(Dtype.toF16Bits(Float.NaN)))).isTrue();
        assertThat(Float.isNaN(Dtype.bf16BitsToFloat(Dtype.toBf16Bits(Float.NaN)))).isTrue();
    }

    /** Against a brute-force nearest-value search over every finite positive half / bfloat16. */
    @Test
    void conversionsMatchBruteForceNearestEven() {
        Random rng = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            // magnitudes from 2^-27 (below fp16 subnormals) to 2^17 (above fp16's range)
            float x = (float) Math.scalb(1 + rng.nextDouble(), rng.nextInt(45) - 27);
            if (rng.nextInt(4) == 0) x = Dtype.f16BitsToFloat((short) rng.nextInt(0x7C00)) + 0x1p-25f * rng.nextInt(3);
            assertThat(Dtype.toF16Bits(x)).as("f16 of %s", x).isEqualTo(nearestEven(x, 0x7C00, Dtype::f16BitsToFloat, 65536.0));
            assertThat(Dtype.toF16Bits(-x)).isEqualTo((short) (0x8000 | nearestEven(x, 0x7C00, Dtype::f16BitsToFloat, 65536.0)));
            float y = Float.intBitsToFloat(rng.nextInt() & 0x7F7F_FFFF);
            assertThat(Dtype.toBf16Bits(y)).as("bf16 of %s", y).isEqualTo(nearestEven(y, 0x7F80, Dtype::bf16BitsToFloat, 0x1p128));
        }
    }

    /** Positive finite values of a 16-bit float type are increasing in their bit patterns 0..inf-1. */
    private static short nearestEven(float x, int infBits, java.util.function.Function<Short, Float> decode,
                                     double infAsValue) {
        int lo = 0, hi = infBits; // find the largest bits in [0, inf) with value <= x
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (decode.apply((short) mid) <= x) lo = mid; else hi = mid - 1;
        }
        double below = decode.apply((short) lo);
        double above = lo + 1 == infBits ? infAsValue : decode.apply((short) (lo + 1));
        double dBelow = x - below, dAbove = above - x;
        if (dBelow < dAbove || (dBelow == dAbove && (lo & 1) == 0)) return (short) lo;
        return (short) (lo + 1);
    }

    @Test
    void putWritesLittleEndian() {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        Dtype.F16.put(buf, 1.0f);  // 0x3C00
        Dtype.BF16.put(buf, 1.0f); // 0x3F80
        Dtype.F32.put(buf, 1.0f);  // 0x3F800000
        assertThat(buf.array()).containsExactly(0x00, 0x3C, 0x80, 0x3F, 0x00, 0x00, 0x80, 0x3F);
        buf.flip();
        assertThat(Dtype.F16.get(buf)).isEqualTo(1.0f);
        assertThat(Dtype.BF16.get(buf)).isEqualTo(1.0f);
        assertThat(Dtype.F32.get(buf)).isEqualTo(1.0f);
    }
}
