package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code BatchEasyHardMiner}: per anchor, one positive and one negative chosen by a strategy each, as pairs
 * {@code (a, p, a, n)}. Positives: HARD and SEMI_HARD take the farthest, EASY the closest; negatives: HARD and
 * SEMI_HARD take the closest, EASY the farthest; ALL keeps every pair of that side. SEMI_HARD positives are the
 * farthest closer than the anchor's chosen negative ({@code d_ap < d_an}); SEMI_HARD negatives the closest farther
 * than its chosen positive ({@code d_an > d_ap}). An allowed range {@code [min, max]} (in the miner's distance)
 * keeps only candidates with {@code min ≤ d ≤ max}. Anchors lacking a candidate on a side that picks one are
 * dropped. Defaults (PML's): positives EASY, negatives SEMI_HARD, no ranges, L2 on normalised embeddings.
 */
public final class BatchEasyHardMiner extends DeclaredMiner {

    /** How one side (positives or negatives) is chosen. */
    public enum Strategy {
        /** The hardest: farthest positive, closest negative. */
        HARD,
        /** Hardest that is still easier than the other side's choice (relative to it). */
        SEMI_HARD,
        /** The easiest: closest positive, farthest negative. */
        EASY,
        /** Every pair of that side. */
        ALL
    }

    /**
     * The distances a side's candidates may have, both ends included.
     *
     * @param min the smallest allowed distance
     * @param max the largest allowed distance
     */
    public record Range(double min, double max) {

        /** Validates the range. */
        public Range {
            if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
                throw new IllegalArgumentException("an allowed range needs min <= max (neither NaN), got [" + min
                        + ", " + max + "]");
            }
        }
    }

    /** How positives are chosen. */
    public static final Setting<Strategy> POS_STRATEGY = Setting.choice("pos_strategy", Strategy.EASY,
            "how the positive of each anchor is chosen (PML's \"semihard\" is read as semi_hard)");
    /** How negatives are chosen. */
    public static final Setting<Strategy> NEG_STRATEGY = Setting.choice("neg_strategy", Strategy.SEMI_HARD,
            "how the negative of each anchor is chosen");
    /** The distances positive candidates may have. */
    public static final Setting<Range> ALLOWED_POS_RANGE = range("allowed_pos_range", "positive");
    /** The distances negative candidates may have. */
    public static final Setting<Range> ALLOWED_NEG_RANGE = range("allowed_neg_range", "negative");
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<BatchEasyHardMiner> SPEC = ComponentSpec.of("batch_easy_hard",
            BatchEasyHardMiner.class, BatchEasyHardMiner::new, POS_STRATEGY, NEG_STRATEGY, ALLOWED_POS_RANGE,
            ALLOWED_NEG_RANGE, DISTANCE);

    private final Strategy posStrategy;
    private final Strategy negStrategy;
    private final Range posRange;
    private final Range negRange;
    private final Distance distance;

    /** Creates the miner with PML's defaults (EASY positives, SEMI_HARD negatives, no ranges, normalised L2). */
    public BatchEasyHardMiner() {
        this(SPEC.read(null));
    }

    private BatchEasyHardMiner(Settings settings) {
        super(settings);
        this.posStrategy = settings.get(POS_STRATEGY);
        this.negStrategy = settings.get(NEG_STRATEGY);
        this.posRange = settings.get(ALLOWED_POS_RANGE);
        this.negRange = settings.get(ALLOWED_NEG_RANGE);
        this.distance = settings.get(DISTANCE);
        if (posStrategy == Strategy.SEMI_HARD && negStrategy == Strategy.SEMI_HARD) {
            throw new IllegalArgumentException("BatchEasyHardMiner: pos_strategy and neg_strategy cannot both be "
                    + "semi_hard (each is relative to the other's choice); make one of them hard or easy");
        }
        if ((posStrategy == Strategy.SEMI_HARD && negStrategy == Strategy.ALL)
                || (negStrategy == Strategy.SEMI_HARD && posStrategy == Strategy.ALL)) {
            throw new IllegalArgumentException("BatchEasyHardMiner: semi_hard is relative to the other side's one "
                    + "choice per anchor, which all does not make; use hard or easy with all");
        }
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BatchEasyHardMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<BatchEasyHardMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #POS_STRATEGY}.
         *
         * @param strategy the value
         * @return this builder
         */
        public Builder optPosStrategy(Strategy strategy) {
            return set(POS_STRATEGY, strategy);
        }

        /**
         * Sets {@link #NEG_STRATEGY}.
         *
         * @param strategy the value
         * @return this builder
         */
        public Builder optNegStrategy(Strategy strategy) {
            return set(NEG_STRATEGY, strategy);
        }

        /**
         * Sets {@link #ALLOWED_POS_RANGE}.
         *
         * @param range the range, or null for none
         * @return this builder
         */
        public Builder optAllowedPosRange(Range range) {
            return set(ALLOWED_POS_RANGE, range);
        }

        /**
         * Sets {@link #ALLOWED_NEG_RANGE}.
         *
         * @param range the range, or null for none
         * @return this builder
         */
        public Builder optAllowedNegRange(Range range) {
            return set(ALLOWED_NEG_RANGE, range);
        }
    }

    /** One side's choice per anchor: its distance, its reference index and whether the anchor has one. */
    private record Choice(NDArray distances, NDArray indices, NDArray found) {}

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        Choice pos = null;
        Choice neg = null;
        if (posStrategy == Strategy.SEMI_HARD) {
            neg = choose(mat, ctx.negatives(), negRange, negStrategy == Strategy.EASY, null);
            pos = choose(mat, ctx.positives(), posRange, true, neg.distances());
        } else if (negStrategy == Strategy.SEMI_HARD) {
            pos = choose(mat, ctx.positives(), posRange, posStrategy == Strategy.HARD, null);
            neg = choose(mat, ctx.negatives(), negRange, false, pos.distances());
        } else {
            if (posStrategy != Strategy.ALL) {
                pos = choose(mat, ctx.positives(), posRange, posStrategy == Strategy.HARD, null);
            }
            if (negStrategy != Strategy.ALL) {
                neg = choose(mat, ctx.negatives(), negRange, negStrategy == Strategy.EASY, null);
            }
        }
        NDArray keep = pos != null && neg != null ? pos.found().logicalAnd(neg.found()) : null;
        return IndexTuples.pairsFromMasks(side(pos, ctx.positives(), keep), side(neg, ctx.negatives(), keep));
    }

    /** The pairs of one side as a mask: every pair for ALL, else each kept anchor's choice. */
    private static NDArray side(Choice choice, NDArray all, NDArray keep) {
        if (choice == null) {
            return all;
        }
        NDArray columns = all.getManager().arange(0, (int) all.getShape().get(1), 1, DataType.INT64);
        NDArray rows = keep != null ? keep : choice.found();
        return columns.expandDims(0).eq(choice.indices().expandDims(1)).logicalAnd(rows.expandDims(1));
    }

    /**
     * Per row, the farthest ({@code farthest}) or closest candidate: a pair of the mask, within the range, and
     * (given the other side's choice) strictly closer than it when picking the farthest, strictly farther when
     * picking the closest.
     */
    private static Choice choose(NDArray mat, NDArray mask, Range range, boolean farthest, NDArray relativeTo) {
        NDArray allowed = mask;
        if (range != null) {
            allowed = allowed.logicalAnd(mat.gte(range.min())).logicalAnd(mat.lte(range.max()));
        }
        if (relativeTo != null) {
            NDArray other = relativeTo.expandDims(1);
            allowed = allowed.logicalAnd(farthest ? mat.lt(other) : mat.gt(other));
        }
        double fill = farthest ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        NDArray filled = NDArrays.where(allowed, mat, Scalars.of(mat, fill));
        NDArray indices = farthest ? filled.argMax(1) : filled.argMin(1);
        NDArray distances = farthest ? filled.max(new int[] {1}) : filled.min(new int[] {1});
        return new Choice(distances, indices, Masks.any(allowed, 1));
    }

    /** A range setting: null (none) or {@code [min, max]}. */
    private static Setting<Range> range(String key, String side) {
        return Setting.of(key, Range.class, "range [min, max] or null", null, BatchEasyHardMiner::readRange,
                r -> r == null ? JsonNull.INSTANCE : pair(r), "distances a " + side + " candidate may have, both "
                        + "ends included (null: any)");
    }

    private static JsonArray pair(Range r) {
        JsonArray a = new JsonArray();
        a.add(r.min());
        a.add(r.max());
        return a;
    }

    private static Range readRange(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonArray() || e.getAsJsonArray().size() != 2 || !e.getAsJsonArray().get(0).isJsonPrimitive()
                || !e.getAsJsonArray().get(1).isJsonPrimitive()
                || !e.getAsJsonArray().get(0).getAsJsonPrimitive().isNumber()
                || !e.getAsJsonArray().get(1).getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("must be [min, max] (two numbers) or null, got " + e);
        }
        return new Range(e.getAsJsonArray().get(0).getAsDouble(), e.getAsJsonArray().get(1).getAsDouble());
    }
}
