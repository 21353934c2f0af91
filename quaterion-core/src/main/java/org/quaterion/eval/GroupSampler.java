package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.models.SimilarityModel;

/**
 * Quaterion's {@code GroupSampler}: encode every object once, draw {@code sampleSize} query rows (all when
 * {@code sampleSize <= 0}), rank the whole set for each. Fixes Quaterion's bug: each query's own row is excluded by
 * its dataset index (Quaterion masked {@code D[i, i]} instead of {@code D[i, idx[i]]}, so the query itself ranked
 * first and a random other row was hidden).
 *
 * @param sampleSize query rows to draw, or &lt;= 0 for all
 * @param encodeBatchSize records per forward pass, at least 1
 * @param seed the draw's seed
 * @param <T> record type
 */
public record GroupSampler<T>(int sampleSize, int encodeBatchSize, long seed)
        implements Sampler<SimilarityGroupSample<T>, T> {

    /** Validates the settings. */
    public GroupSampler {
        SamplerChecks.encodeBatchSize(encodeBatchSize);
    }

    @Override
    public EmbeddedSample sample(List<SimilarityGroupSample<T>> dataset, SimilarityModel<T> model,
            NDManager manager) {
        SamplerChecks.notEmpty(dataset, "group sample");
        List<T> objects = new ArrayList<>(dataset.size());
        long[] groups = new long[dataset.size()];
        for (int i = 0; i < groups.length; i++) {
            objects.add(dataset.get(i).obj());
            groups[i] = dataset.get(i).group();
        }
        NDArray embeddings = model.encodeToArray(objects, encodeBatchSize, manager);
        return EmbeddedSample.ofGroups(embeddings, groups, Sampler.drawRows(groups.length, sampleSize, seed));
    }
}
