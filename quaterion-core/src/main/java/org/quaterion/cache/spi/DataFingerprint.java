package org.quaterion.cache.spi;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.quaterion.models.io.ArtifactFiles;

/**
 * An order-independent fingerprint of a set of (key, record hash) rows: the sum, modulo 2<sup>128</sup>, of each
 * row's 128-bit SHA-256. Partitions computed apart (Spark tasks) {@link #merge} into the fingerprint of the whole, and
 * equal sets give equal fingerprints whatever the row order.
 */
public final class DataFingerprint implements Serializable {

    private static final long serialVersionUID = 1L;
    /** This thread's digest: a fingerprint adds one hash per row, which must not pay for a digest lookup. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(ArtifactFiles::sha256);

    private long high;
    private long low;
    private long rows;

    /**
     * The fingerprint of rows.
     *
     * @param keys the keys
     * @param recordHashes one record hash ({@code RecordHash.of}) per key
     * @return the fingerprint in hex
     */
    public static String of(List<String> keys, List<String> recordHashes) {
        DataFingerprint f = new DataFingerprint();
        for (int i = 0; i < keys.size(); i++) {
            f.add(keys.get(i), recordHashes.get(i));
        }
        return f.hex();
    }

    /**
     * Parses {@link #hex()}.
     *
     * @param text {@code rows:hex}
     * @return the fingerprint
     */
    public static DataFingerprint parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a data fingerprint: " + text);
        }
        DataFingerprint f = new DataFingerprint();
        String hex = text.substring(colon + 1);
        if (hex.length() != 32) {
            throw new IllegalArgumentException("not a data fingerprint: " + text);
        }
        f.rows = Long.parseLong(text.substring(0, colon));
        f.high = Long.parseUnsignedLong(hex, 0, 16, 16);
        f.low = Long.parseUnsignedLong(hex, 16, 32, 16);
        return f;
    }

    /**
     * Adds one row.
     *
     * @param key the key
     * @param recordHash its record's record hash ({@code RecordHash.of})
     */
    public void add(String key, String recordHash) {
        MessageDigest digest = DIGEST.get();
        digest.reset();
        digest.update(key.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(recordHash.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer h = ByteBuffer.wrap(digest.digest());
        add(h.getLong(0), h.getLong(8));
        rows++;
    }

    /** Adds a 128-bit value (high, low), modulo 2^128. */
    private void add(long addHigh, long addLow) {
        long sumLow = low + addLow;
        long carry = Long.compareUnsigned(sumLow, low) < 0 ? 1 : 0;
        low = sumLow;
        high = high + addHigh + carry;
    }

    /**
     * Adds the rows of another fingerprint (a disjoint part of the same set).
     *
     * @param other the part
     */
    public void merge(DataFingerprint other) {
        add(other.high, other.low);
        rows += other.rows;
    }

    /**
     * Rows added.
     *
     * @return the count
     */
    public long rows() {
        return rows;
    }

    /**
     * The fingerprint.
     *
     * @return {@code rows:hex}
     */
    public String hex() {
        return rows + ":" + String.format("%016x%016x", high, low);
    }
}
