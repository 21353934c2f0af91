package org.quaterion.dataset;

import java.util.List;
import java.util.function.Function;

/**
 * A batch from a {@link SimilarityDataLoader}: either records with groups ({@link GroupBatch}) or pairs
 * ({@link PairBatch}). Sealed, so a {@code switch} over it is checked for completeness by the compiler.
 *
 * @param <T> record type
 */
public sealed interface Batch<T> permits GroupBatch, PairBatch {

    /**
     * The objects to encode, in embedding-row order.
     *
     * @return the records (2n for n pairs); null when every encoder is cached and the trainer reads only the cache
     */
    List<T> records();

    /**
     * The dataset rows the batch was drawn from (one per record of a group batch, one per pair of a pair batch).
     *
     * @return the rows
     */
    int[] rows();

    /**
     * How many embedding rows the batch produces.
     *
     * @return one per record of a group batch, two per pair of a pair batch
     */
    int size();

    /**
     * Applies the function for this batch's kind (an exhaustive match: both kinds must be handled).
     *
     * @param groups applied to a {@link GroupBatch}
     * @param pairs applied to a {@link PairBatch}
     * @param <R> result type
     * @return the result
     */
    <R> R match(Function<GroupBatch<T>, R> groups, Function<PairBatch<T>, R> pairs);
}
