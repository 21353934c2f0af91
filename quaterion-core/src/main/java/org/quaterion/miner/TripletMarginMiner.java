package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.internal.PairBlocks;

/**
 * Triplets by how much they violate a margin (PML {@code TripletMarginMiner}): with {@code t = d_an − d_ap},
 * ALL keeps {@code t ≤ m}, HARD {@code t ≤ 0}, SEMI_HARD {@code 0 < t ≤ m}, EASY {@code t > m}. Computed over
 * (positive pair) × reference in {@code PairBlocks}, so memory stays {@code O(block · m)}, never an {@code n·m·m} cube.
 */
public final class TripletMarginMiner implements Miner {

    /** Which triplets to keep. */
    public enum Type {
        /** Every triplet within the margin. */
        ALL,
        /** Negative closer than the positive. */
        HARD,
        /** Negative farther than the positive but within the margin. */
        SEMI_HARD,
        /** Negative beyond the margin. */
        EASY;

        /**
         * The type by name, in any case; PML's spelling {@code "semihard"} is accepted for {@link #SEMI_HARD}.
         *
         * @param name e.g. {@code "semi_hard"}, {@code "semihard"}, {@code "hard"}
         * @return the type
         * @throws IllegalArgumentException for an unknown name, listing the valid ones
         */
        public static Type of(String name) {
            String upper = name.trim().toUpperCase(java.util.Locale.ROOT);
            for (Type t : values()) {
                if (t.name().equals(upper) || t.name().replace("_", "").equals(upper)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown type of triplets '" + name + "'; use one of "
                    + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final double margin;
    private final Type type;
    private final Distance distance;

    /**
     * Creates the miner.
     *
     * @param margin the margin m (PML default 0.2)
     * @param type which triplets to keep
     * @param distance the distance (PML default: L2 on normalised embeddings)
     */
    public TripletMarginMiner(double margin, Type type, Distance distance) {
        if (!Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be finite, got " + margin);
        }
        this.margin = margin;
        this.type = type;
        this.distance = distance;
    }

    /**
     * Creates the miner with PML's default distance.
     *
     * @param margin the margin
     * @param type which triplets to keep
     */
    public TripletMarginMiner(double margin, Type type) {
        this(margin, type, Distance.euclidean().normalized());
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        List<IndexTuples.Triplets> parts = new ArrayList<>();
        NDArray[] pairs = PairBlocks.positivePairs(pos);
        if (pairs != null) {
            PairBlocks.forEach(pairs, mat.getShape().get(1), (a, p) -> {
                NDArray t = mat.get(a).sub(LossMath.pick(mat, a, p).expandDims(1));
                NDArray keep = switch (type) {
                    case EASY -> t.gt(margin);
                    case HARD -> t.lte(margin).logicalAnd(t.lte(0));
                    case SEMI_HARD -> t.lte(margin).logicalAnd(t.gt(0));
                    case ALL -> t.lte(margin);
                };
                NDArray found = neg.get(a).logicalAnd(keep).nonzero();
                if (found.getShape().get(0) > 0) {
                    NDArray pair = found.get(":, 0").toType(DataType.INT64, false);
                    IndexTuples.Triplets part = new IndexTuples.Triplets(a.get(pair), p.get(pair),
                            found.get(":, 1").toType(DataType.INT64, false));
                    PairBlocks.survive(part.a(), part.p(), part.n());
                    parts.add(part);
                }
            });
        }
        if (parts.isEmpty()) {
            NDArray empty = labels.getManager().create(new long[0]);
            return new IndexTuples.Triplets(empty, empty, empty);
        }
        return IndexTuples.concat(parts);
    }

    @Override
    public com.google.gson.JsonObject config() {
        com.google.gson.JsonObject json = Miner.super.config();
        json.addProperty("margin", margin);
        json.addProperty("type_of_triplets", type.name().toLowerCase(java.util.Locale.ROOT));
        json.add("distance", distance.config());
        return json;
    }
}
