package org.quaterion.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The 16-bit float conversions, on hand-worked values and across every positive float16. */
class HalfFloatsTest {

    @Test
    void float16HandWorkedValues() {
        assertEquals(1f, HalfFloats.float16((short) 0x3c00));
        assertEquals(-2f, HalfFloats.float16((short) 0xc000));
        assertEquals(65504f, HalfFloats.float16((short) 0x7bff)); // the largest finite float16
        assertEquals(0x1p-24f, HalfFloats.float16((short) 0x0001)); // the smallest subnormal
        assertEquals(1023 * 0x1p-24f, HalfFloats.float16((short) 0x03ff)); // the largest subnormal
        assertEquals(0x1p-14f, HalfFloats.float16((short) 0x0400)); // the smallest normal
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.float16((short) 0x7c00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.float16((short) 0xfc00));
        assertTrue(Float.isNaN(HalfFloats.float16((short) 0x7e00)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(HalfFloats.float16((short) 0x8000)));
    }

    @Test
    void float16IsStrictlyIncreasingOverThePositiveFiniteValuesAndSymmetricInSign() {
        float previous = -1;
        for (int bits = 0; bits < 0x7c00; bits++) {
            float value = HalfFloats.float16((short) bits);
            assertTrue(value > previous, "0x" + Integer.toHexString(bits));
            assertEquals(-value, HalfFloats.float16((short) (bits | 0x8000)));
            previous = value;
        }
    }

    @Test
    void bfloat16IsTheUpperHalfOfAFloat32() {
        assertEquals(1f, HalfFloats.bfloat16((short) 0x3f80));
        assertEquals(-3f, HalfFloats.bfloat16((short) 0xc040));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.bfloat16((short) 0x7f80));
    }
}
