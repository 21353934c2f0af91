package org.quaterion.spark;

/**
 * A record the job could not encode (left out of the cache).
 *
 * @param key its key (or a description of where it was, when the key itself is missing)
 * @param error why
 */
public record RecordFailure(String key, String error) {}
