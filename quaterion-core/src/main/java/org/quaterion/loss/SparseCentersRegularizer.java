package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * pytorch-metric-learning's {@code SparseCentersRegularizer}, SoftTriple's regulariser of its centres (Qian et al.
 * 2019): over each pair {@code j < l} of centres of the same class, {@code √(2 + ε − min(2·cos(w_j, w_l), 2))} (the
 * distance of the unit centres; ε the type's smallest normal number), summed and divided by twice the number of
 * pairs (PML's {@code DivisorReducer}). Centres of one class that coincide cost 0, so the centres a class does not
 * need merge. The rows are C·K centres, rows {@code c·K … c·K + K − 1} of class c, as {@link SoftTripleLoss} holds
 * them; other row counts are refused.
 */
public final class SparseCentersRegularizer implements Regularizer {

    /** The number of classes C. */
    public static final Setting<Integer> NUM_CLASSES = Setting.integer("num_classes", null, v -> v >= 1,
            "num_classes >= 1", "the number of classes C of the centres");
    /** The centres per class K. */
    public static final Setting<Integer> CENTERS_PER_CLASS = Setting.integer("centers_per_class", null, v -> v >= 2,
            "centers_per_class >= 2", "the centres per class K (rows C·K)");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SparseCentersRegularizer> SPEC = ComponentSpec.of("sparse_centers",
            SparseCentersRegularizer.class, s -> new SparseCentersRegularizer(s.get(NUM_CLASSES),
                    s.get(CENTERS_PER_CLASS)), NUM_CLASSES, CENTERS_PER_CLASS);

    private final int numClasses;
    private final int centersPerClass;
    private final long[] first;
    private final long[] second;

    /**
     * Creates the regularizer for C·K centres.
     *
     * @param numClasses C
     * @param centersPerClass K, at least 2
     */
    public SparseCentersRegularizer(int numClasses, int centersPerClass) {
        Settings.of(SPEC, Map.of(NUM_CLASSES, numClasses, CENTERS_PER_CLASS, centersPerClass)); // validates
        this.numClasses = numClasses;
        this.centersPerClass = centersPerClass;
        int pairs = numClasses * centersPerClass * (centersPerClass - 1) / 2;
        this.first = new long[pairs];
        this.second = new long[pairs];
        int p = 0;
        for (int c = 0; c < numClasses; c++) {
            for (int j = 0; j < centersPerClass; j++) {
                for (int l = j + 1; l < centersPerClass; l++) {
                    first[p] = (long) c * centersPerClass + j;
                    second[p++] = (long) c * centersPerClass + l;
                }
            }
        }
    }

    @Override
    public NDArray compute(NDArray rows) {
        checkWeightRows(rows.getShape().get(0), "the regularized matrix");
        NDArray unit = rows.normalize(2, 1, 1e-12);
        NDArray cos = LossMath.pick(unit.matMul(unit.transpose()), rows.getManager().create(first),
                rows.getManager().create(second));
        double tiny = rows.getDataType() == DataType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        NDArray distances = Scalars.min(Scalars.mul(cos, 2), 2).neg().add(2 + tiny).sqrt();
        return Scalars.div(distances.sum(), 2.0 * first.length);
    }

    @Override
    public void checkWeightRows(long rows, String owner) {
        if (rows != (long) numClasses * centersPerClass) {
            throw new IllegalArgumentException("SparseCentersRegularizer expects " + numClasses + " classes x "
                    + centersPerClass + " centres = " + (long) numClasses * centersPerClass + " rows, but "
                    + owner + " has " + rows + "; set num_classes and centers_per_class to the loss's");
        }
    }

    @Override
    public Settings settings() {
        return Settings.of(SPEC, Map.of(NUM_CLASSES, numClasses, CENTERS_PER_CLASS, centersPerClass));
    }

    @Override
    public String toString() {
        return name() + settings().toJson();
    }
}
