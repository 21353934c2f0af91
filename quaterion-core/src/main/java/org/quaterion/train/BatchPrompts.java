package org.quaterion.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupBatch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.PairBatch;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.models.Prompts;

/**
 * The prompts of a fit applied to its training data: a pair's first member is a query, its second member and its
 * explicit negatives are documents, and a group sample takes the prompts' default role (what plain {@code encode}
 * applies when the model serves).
 */
final class BatchPrompts {

    private final Prompts prompts;

    BatchPrompts(Prompts prompts) {
        this.prompts = prompts;
    }

    /**
     * Refuses a group loader when the prompts have prefixes but no default role: which prefix its records get would
     * be a guess.
     */
    void check(SimilarityDataLoader<?, ?> loader, String which) {
        if (loader instanceof GroupSimilarityDataLoader<?> && prompts.hasPrefix()
                && prompts.defaultRole().isEmpty()) {
            throw new IllegalArgumentException("the " + which + " loader gives group samples, which take the prompts' "
                    + "default role, but " + prompts + " has none: return prompts.withDefaultRole(Role.QUERY or "
                    + "Role.DOCUMENT) from configurePrompts (plain encode then applies the same prefix)");
        }
    }

    /** The role of a group sample's records; null for no prefix. */
    Prompts.Role groupRole() {
        return prompts.defaultRole().orElse(null);
    }

    /** A record with its role's prefix (the record itself when the role has none). */
    <T> T apply(Prompts.Role role, T record) {
        return prompts.apply(role, List.of(record)).get(0);
    }

    /** The batch with its records prefixed; a label-only batch (no records) or a fit without prefixes as it is. */
    <T> Batch<T> apply(Batch<T> batch) {
        if (!prompts.hasPrefix() || batch.records() == null) {
            return batch;
        }
        return batch.match(g -> g.withRecords(prompts.apply(groupRole(), g.records())), this::applyPairs);
    }

    private <T> PairBatch<T> applyPairs(PairBatch<T> p) {
        int n = p.rows().length;
        List<T> records = new ArrayList<>(p.records().size());
        records.addAll(prompts.apply(Prompts.Role.QUERY, p.records().subList(0, n)));
        records.addAll(prompts.apply(Prompts.Role.DOCUMENT, p.records().subList(n, p.records().size())));
        return p.withRecords(records);
    }

    /** An epoch's batches with their records prefixed; closing it closes the underlying stream. */
    Iterator<?> apply(Iterator<?> batches) {
        if (!prompts.hasPrefix()) {
            return batches;
        }
        return new Prefixed(batches);
    }

    /** The batches of an iterator, prefixed one by one. */
    private final class Prefixed implements Iterator<Object>, AutoCloseable {
        private final Iterator<?> batches;

        Prefixed(Iterator<?> batches) {
            this.batches = batches;
        }

        @Override
        public boolean hasNext() {
            return batches.hasNext();
        }

        @Override
        public Object next() {
            return apply((Batch<?>) batches.next());
        }

        @Override
        public void close() throws Exception {
            if (batches instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}
