package org.quaterion.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Consumer;

/**
 * Feeds a record's content into a digest, so that a cache knows when its data changed: strings as UTF-8, primitive
 * arrays by value, anything else by {@code toString()} (give records a value-based {@code toString}, e.g. records,
 * or a key extractor whose key encodes the content).
 */
final class ContentHash {

    private ContentHash() {}

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static void update(MessageDigest digest, Object record) {
        if (record instanceof float[] f) {
            digest.update(bytes(f.length * Float.BYTES, b -> b.asFloatBuffer().put(f)));
        } else if (record instanceof double[] d) {
            digest.update(bytes(d.length * Double.BYTES, b -> b.asDoubleBuffer().put(d)));
        } else if (record instanceof byte[] bytes) {
            digest.update(bytes);
        } else if (record instanceof int[] ints) {
            digest.update(bytes(ints.length * Integer.BYTES, b -> b.asIntBuffer().put(ints)));
        } else if (record instanceof long[] longs) {
            digest.update(bytes(longs.length * Long.BYTES, b -> b.asLongBuffer().put(longs)));
        } else {
            digest.update(String.valueOf(record).getBytes(StandardCharsets.UTF_8));
        }
        digest.update((byte) 0);
    }

    /** A buffer of {@code size} bytes (big-endian, position 0) that {@code fill} writes a primitive array's values into. */
    private static ByteBuffer bytes(int size, Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(size);
        fill.accept(b);
        return b;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(ContentHash::sha256);

    /** A reset SHA-256 digest of this thread (hashing a record per row must not pay for a lookup). */
    static MessageDigest threadDigest() {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d;
    }

    static String hex(byte[] bytes) {
        return hex(bytes, bytes.length);
    }

    static String hex(byte[] bytes, int length) {
        char[] out = new char[2 * length];
        for (int i = 0; i < length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 15];
            out[2 * i + 1] = HEX[bytes[i] & 15];
        }
        return new String(out);
    }
}
