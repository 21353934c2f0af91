package org.quaterion.augment;

import java.util.Random;

/**
 * A random transform of one record. Loaders call it with a generator seeded by (seed, epoch, dataset row, view), so
 * an epoch's records are the same in every run and after a resume. Implementations must draw all their randomness
 * from that generator and must not modify the input.
 *
 * @param <T> record type
 */
public interface Augmentation<T> {

    /**
     * Transforms a record.
     *
     * @param record the record (not modified)
     * @param random the generator for this (epoch, record, view)
     * @return the transformed record
     */
    T apply(T record, Random random);

    /**
     * A description of the settings (part of a cache's fingerprint): equal descriptions must mean equal transforms.
     *
     * @return e.g. {@code "image(28x28x1: flip 0.5, erase 0.25 ...)"}
     */
    String describe();

    /**
     * The generator of one (epoch, record, view), as loaders seed it.
     *
     * @param seed the loader's augmentation seed
     * @param epoch the epoch
     * @param row the dataset row
     * @param view the view (0 for a single one)
     * @return a new generator
     */
    static Random random(long seed, int epoch, int row, int view) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h = (h ^ epoch) * 0xBF58476D1CE4E5B9L;
        h = (h ^ row) * 0x94D049BB133111EBL;
        h = (h ^ view) * 0x9E3779B97F4A7C15L;
        return new Random(h ^ (h >>> 31));
    }
}
