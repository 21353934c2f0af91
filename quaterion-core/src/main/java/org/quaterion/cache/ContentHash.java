package org.quaterion.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

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
            ByteBuffer b = ByteBuffer.allocate(f.length * 4);
            b.asFloatBuffer().put(f);
            digest.update(b);
        } else if (record instanceof double[] d) {
            ByteBuffer b = ByteBuffer.allocate(d.length * 8);
            b.asDoubleBuffer().put(d);
            digest.update(b);
        } else if (record instanceof byte[] bytes) {
            digest.update(bytes);
        } else if (record instanceof int[] ints) {
            ByteBuffer b = ByteBuffer.allocate(ints.length * 4);
            b.asIntBuffer().put(ints);
            digest.update(b);
        } else if (record instanceof long[] longs) {
            ByteBuffer b = ByteBuffer.allocate(longs.length * 8);
            b.asLongBuffer().put(longs);
            digest.update(b);
        } else {
            digest.update(String.valueOf(record).getBytes(StandardCharsets.UTF_8));
        }
        digest.update((byte) 0);
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
