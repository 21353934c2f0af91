package org.quaterion.cache;

import java.security.MessageDigest;

/**
 * The content hash of one record (128 bits of SHA-256, as 32 hex digits), stored next to its key in every cache
 * shard so that a cache built elsewhere (another run, a Spark job) can be checked against the records a fit will
 * read: strings hash as UTF-8, primitive arrays by value, anything else by {@code toString()}.
 */
public final class RecordHash {

    private RecordHash() {}

    /**
     * Hashes a record.
     *
     * @param record the record (a String, a primitive array, or a value with a value-based toString)
     * @return 32 lowercase hex digits
     */
    public static String of(Object record) {
        MessageDigest digest = ContentHash.threadDigest();
        ContentHash.update(digest, record);
        return ContentHash.hex(digest.digest(), 16);
    }
}
