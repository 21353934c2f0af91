package org.quaterion.models.io;

/**
 * Widens the 16-bit floats that checkpoints store (IEEE float16 and bfloat16) to float32 in Java, so a reader never
 * has to create a half-precision array on an engine to convert them. Both conversions are exact: every 16-bit value,
 * subnormals, infinities and NaNs included, is a float32 value.
 */
public final class HalfFloats {

    private HalfFloats() {}

    /**
     * The float32 value of an IEEE 754 binary16 number.
     *
     * @param bits the 16 bits (sign, 5 exponent bits, 10 mantissa bits)
     * @return the same number as a float
     */
    public static float float16(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN: keep the mantissa's payload
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact in float32
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    /**
     * The float32 value of a bfloat16 number (the upper half of a float32).
     *
     * @param bits the 16 bits
     * @return the same number as a float
     */
    public static float bfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
