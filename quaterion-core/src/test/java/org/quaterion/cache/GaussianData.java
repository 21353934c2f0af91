package org.quaterion.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quaterion.dataset.SimilarityGroupSample;

/** Seeded standard-normal records and group samples, the data the cache tests train on. */
final class GaussianData {

    private GaussianData() {}

    /**
     * One record of {@code dim} standard-normal values.
     *
     * @param random the source
     * @param dim the width
     * @return the record
     */
    static float[] vector(Random random, int dim) {
        float[] x = new float[dim];
        for (int j = 0; j < dim; j++) {
            x[j] = (float) random.nextGaussian();
        }
        return x;
    }

    /**
     * {@code n} standard-normal records labelled round-robin: record i is in group {@code i % groups}.
     *
     * @param n records
     * @param dim the width
     * @param groups the number of groups
     * @param seed the seed
     * @return the samples
     */
    static List<SimilarityGroupSample<float[]>> groups(int n, int dim, int groups, long seed) {
        Random random = new Random(seed);
        List<SimilarityGroupSample<float[]>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SimilarityGroupSample<>(vector(random, dim), i % groups));
        }
        return out;
    }
}
