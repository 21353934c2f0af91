package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;

/**
 * Quaterion's {@code PairSampler}: encode the P pairs as rows {@code [a_0 … a_{P−1}, b_0 … b_{P−1}]}, so pair p is
 * rows (p, P + p). Without {@code distinguish}, {@code sampleSize} of the 2P rows query all other rows; with it,
 * the first items of {@code sampleSize} pairs query the second items only. Fixes Quaterion's distinguish-mode bug:
 * each query's relevance row is its own pair's (Quaterion took {@code L[idx]} instead of {@code L[pairs[idx, 0]]},
 * wrong once there are more pairs than half an encode batch). A model with prompts encodes the first items as queries
 * and the second items as documents, as training does.
 *
 * @param sampleSize query rows (or pairs, when distinguishing) to draw, or &lt;= 0 for all
 * @param distinguish whether first items query second items only
 * @param encodeBatchSize records per forward pass, at least 1
 * @param seed the draw's seed
 * @param <T> record type
 */
public record PairSampler<T>(int sampleSize, boolean distinguish, int encodeBatchSize, long seed)
        implements Sampler<SimilarityPairSample<T>, T> {

    /** Validates the settings. */
    public PairSampler {
        SamplerChecks.encodeBatchSize(encodeBatchSize);
    }

    @Override
    public EmbeddedSample sample(List<SimilarityPairSample<T>> dataset, SimilarityModel<T> model,
            NDManager manager) {
        SamplerChecks.notEmpty(dataset, "pair sample");
        int p = dataset.size();
        List<T> objects = new ArrayList<>(2 * p);
        dataset.forEach(s -> objects.add(s.objA()));
        dataset.forEach(s -> objects.add(s.objB()));
        long[][] pairs = new long[p][];
        double[] scores = new double[p];
        for (int i = 0; i < p; i++) {
            pairs[i] = new long[] {i, p + i};
            scores[i] = dataset.get(i).score();
        }
        NDArray embeddings;
        if (model.prompts().hasPrefix()) { // as training encodes pairs: first items are queries, second documents
            NDArray a = model.encodeToArray(Prompts.Role.QUERY, objects.subList(0, p), encodeBatchSize, manager);
            NDArray b = model.encodeToArray(Prompts.Role.DOCUMENT, objects.subList(p, 2 * p), encodeBatchSize,
                    manager);
            embeddings = a.concat(b, 0);
            a.close();
            b.close();
        } else {
            embeddings = model.encodeToArray(objects, encodeBatchSize, manager);
        }
        long[] queries = Sampler.drawRows(distinguish ? p : 2 * p, sampleSize, seed);
        return EmbeddedSample.ofPairs(embeddings, pairs, scores, queries, distinguish);
    }
}
