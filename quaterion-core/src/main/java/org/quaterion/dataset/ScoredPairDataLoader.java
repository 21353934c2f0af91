package org.quaterion.dataset;

import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batches of {@link ScoredPair}s for a cross-encoder and a {@code ScoreLoss}: each sample is one query's whole list
 * (its pairs with one group id, in the data's order), so a listwise loss always sees complete lists. A batch of B
 * lists is a {@link GroupBatch} whose records are the (query, document) pairs the cross-encoder reads, with each
 * pair's group and target; the batch size counts queries, not pairs. Shuffling, samplers and resume work as for any
 * loader, over the lists.
 *
 * @param <Q> query type
 * @param <D> document type
 */
public final class ScoredPairDataLoader<Q, D>
        extends SimilarityDataLoader<List<ScoredPair<Q, D>>, GroupBatch<Pair<Q, D>>> {

    /**
     * Creates the loader.
     *
     * @param pairs the scored pairs, not empty; pairs with the same group form one list (they need not be adjacent)
     * @param options batching options (the batch size counts lists)
     */
    public ScoredPairDataLoader(List<ScoredPair<Q, D>> pairs, LoaderOptions options) {
        super(lists(pairs), options);
    }

    /** Each group's pairs, the groups in the order of their first pair. */
    private static <Q, D> List<List<ScoredPair<Q, D>>> lists(List<ScoredPair<Q, D>> pairs) {
        if (pairs == null) {
            throw new IllegalArgumentException("the scored pairs are null; give at least one pair");
        }
        Map<Long, List<ScoredPair<Q, D>>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            ScoredPair<Q, D> p = pairs.get(i);
            if (p == null) {
                throw new IllegalArgumentException("scored pair " + i + " is null");
            }
            byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).add(p);
        }
        return List.copyOf(byGroup.values());
    }

    /**
     * How many pairs the loader holds (over all lists).
     *
     * @return the number of pairs
     */
    public int pairCount() {
        return dataset().stream().mapToInt(List::size).sum();
    }

    @Override
    protected GroupBatch<Pair<Q, D>> collate(List<List<ScoredPair<Q, D>>> samples, int[] rows) {
        int n = samples.stream().mapToInt(List::size).sum();
        List<Pair<Q, D>> records = new ArrayList<>(n);
        long[] groups = new long[n];
        double[] targets = new double[n];
        int[] recordRows = new int[n];
        int k = 0;
        for (int i = 0; i < samples.size(); i++) {
            for (ScoredPair<Q, D> p : samples.get(i)) {
                records.add(new Pair<>(p.query(), p.document()));
                groups[k] = p.group();
                targets[k] = p.target();
                recordRows[k] = rows[i];
                k++;
            }
        }
        return new GroupBatch<>(records, groups, recordRows, targets);
    }
}
