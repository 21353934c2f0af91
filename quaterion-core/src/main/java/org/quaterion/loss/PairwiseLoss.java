package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * A loss over scored pairs in Quaterion's layout: embeddings {@code (2n, d)} (rows of both sides of the batch's
 * pairs), {@code pairs (n, 2)} row indices, {@code labels (n)} pair scores (1 similar, 0 dissimilar, or graded),
 * {@code subgroups (2n)} (rows of different subgroups are negatives of each other; one subgroup means none), and
 * optionally explicit negatives: extra rows, each a known negative of one pair's first member. Output: a scalar; bad input raises {@link IllegalArgumentException}.
 */
public abstract class PairwiseLoss implements SimilarityLoss, Configurable {

    private final Settings settings;
    private final Distance distance;

    /**
     * Creates the loss.
     *
     * @param distance the distance between the two sides of a pair, or null for {@link #defaultDistance()}
     */
    protected PairwiseLoss(Distance distance) {
        this(null, distance);
    }

    /**
     * Creates the loss from its declared settings; the distance is its {@code distance} setting.
     *
     * @param settings the validated settings; {@link #config()} writes them
     */
    protected PairwiseLoss(Settings settings) {
        this(settings, settings.find("distance", Distance.class));
    }

    private PairwiseLoss(Settings settings, Distance distance) {
        this.settings = settings;
        this.distance = distance != null ? distance : defaultDistance();
    }

    /**
     * The declared settings this loss was made from.
     *
     * @return the settings, or null for a loss made from a distance alone
     */
    @Override
    public Settings settings() {
        return settings;
    }

    /**
     * The distance used when none is given. Called from the constructor: it must not read the subclass's fields.
     *
     * @return cosine, sentence-transformers' and Quaterion's default
     */
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    /**
     * The distance between the two sides of a pair.
     *
     * @return the distance
     */
    public final Distance distance() {
        return distance;
    }

    /**
     * The settings: the declared ones when the loss has a declaration, else {@code distance} (a subclass without a
     * declaration adds its own to it).
     *
     * @return a new object
     */
    @Override
    public JsonObject config() {
        if (settings != null) {
            return settings.toJson();
        }
        JsonObject json = new JsonObject();
        json.add("distance", distance.config());
        return json;
    }

    /**
     * Computes the loss.
     *
     * @param embeddings {@code (2n, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param labels {@code (n)} scores
     * @param subgroups {@code (2n)} integer subgroup ids, or null for a single subgroup
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups) {
        return forward(embeddings, pairs, labels, subgroups, null);
    }

    /**
     * Computes the loss with explicit negatives (mined hard negatives, {@link org.quaterion.dataset.PairBatch}'s
     * layout): extra embedding rows, each known to be a negative of one pair's first member.
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param labels {@code (n)} scores
     * @param subgroups {@code (2n + k)} integer subgroup ids, or null for a single subgroup
     * @param negatives {@code (k, 2)} integer (pair index, row index) of each explicit negative, or null for none
     * @return the scalar loss
     * @throws IllegalArgumentException on bad input, or when this loss cannot use explicit negatives and some are
     *     given
     */
    public final NDArray forward(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray negatives) {
        String who = getClass().getSimpleName();
        if (embeddings == null || pairs == null || labels == null) {
            throw new IllegalArgumentException(who + ": embeddings, pairs and labels must not be null");
        }
        if (embeddings.getShape().dimension() != 2 || !embeddings.getDataType().isFloating()) {
            throw new IllegalArgumentException(who + ": embeddings must be floating (2n, d), got "
                    + embeddings.getShape() + " " + embeddings.getDataType());
        }
        if (pairs.getShape().dimension() != 2 || pairs.getShape().get(1) != 2 || !pairs.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": pairs must be integer (n, 2), got " + pairs.getShape() + " "
                    + pairs.getDataType());
        }
        long n = pairs.getShape().get(0);
        if (labels.getShape().dimension() != 1 || labels.size() != n) {
            throw new IllegalArgumentException(who + ": labels must be (n) = (" + n + "), one score per pair, got "
                    + labels.getShape());
        }
        long rows = embeddings.getShape().get(0);
        if (subgroups != null && (subgroups.getShape().dimension() != 1 || subgroups.size() != rows)) {
            throw new IllegalArgumentException(who + ": subgroups must be (" + rows + "), one per embedding row, got "
                    + subgroups.getShape());
        }
        NDArray p = pairs.toType(DataType.INT64, false);
        if (n > 0 && (p.min().getLong() < 0 || p.max().getLong() >= rows)) {
            throw new IllegalArgumentException(who + ": pair indices must be in [0, " + rows + "), got ["
                    + p.min().getLong() + ", " + p.max().getLong() + "]");
        }
        NDArray zero = LossInputs.finiteZero(embeddings, who);
        NDArray scores = labels.toType(embeddings.getDataType(), false);
        if (scores.isNaN().any().getBoolean()) {
            throw new IllegalArgumentException(who + ": labels contain NaN");
        }
        NDArray groups = subgroups == null ? null : subgroups.toType(DataType.INT64, false);
        if (negatives == null || negatives.size() == 0) {
            return compute(embeddings, p, scores, groups, zero);
        }
        if (negatives.getShape().dimension() != 2 || negatives.getShape().get(1) != 2
                || !negatives.getDataType().isInteger()) {
            throw new IllegalArgumentException(who + ": negatives must be integer (k, 2) (pair index, row index), got "
                    + negatives.getShape() + " " + negatives.getDataType());
        }
        NDArray neg = negatives.toType(DataType.INT64, false);
        NDArray owners = neg.get(":, 0");
        NDArray negRows = neg.get(":, 1");
        if (owners.lt(0).logicalOr(owners.gte(n)).logicalOr(negRows.lt(0)).logicalOr(negRows.gte(rows)).any()
                .getBoolean()) {
            throw new IllegalArgumentException(who + ": negatives must name pairs in [0, " + n + ") and rows in [0, "
                    + rows + ")");
        }
        return computeWithNegatives(embeddings, p, scores, groups, owners, negRows, zero);
    }

    /**
     * The loss on validated inputs with explicit negatives. By default a loss cannot use them and refuses: a loss
     * that ignored them would train as if they were not there.
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} INT64
     * @param labels {@code (n)} scores in the embeddings' type
     * @param subgroups {@code (2n + k)} INT64 or null
     * @param owners {@code (k)} INT64: the pair whose first member each negative belongs to
     * @param negatives {@code (k)} INT64: the negatives' rows
     * @param zero graph-connected 0
     * @return the scalar loss
     */
    protected NDArray computeWithNegatives(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray owners, NDArray negatives, NDArray zero) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " cannot use explicit negatives, and the "
                + "batch has " + negatives.size() + "; use MultipleNegativesRankingLoss (extra candidates) or "
                + "PairContrastiveLoss (dissimilar pairs), or build the samples without negatives");
    }

    /**
     * The loss on validated inputs.
     *
     * @param embeddings {@code (2n, d)}
     * @param pairs {@code (n, 2)} INT64
     * @param labels {@code (n)} scores in the embeddings' type
     * @param subgroups {@code (2n)} INT64 or null
     * @param zero graph-connected 0
     * @return the scalar loss
     */
    protected abstract NDArray compute(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray zero);

    /**
     * The embeddings of the pairs' first members.
     *
     * @param embeddings all rows
     * @param pairs the pairs
     * @return {@code (n, d)}
     */
    protected static NDArray left(NDArray embeddings, NDArray pairs) {
        return embeddings.get(pairs.get(":, 0"));
    }

    /**
     * The embeddings of the pairs' second members.
     *
     * @param embeddings all rows
     * @param pairs the pairs
     * @return {@code (n, d)}
     */
    protected static NDArray right(NDArray embeddings, NDArray pairs) {
        return embeddings.get(pairs.get(":, 1"));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + config();
    }
}
