package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Settings;

/**
 * PML's {@code EmbeddingsAlreadyPackagedAsTriplets}: the batch is laid out as consecutive triplets (rows
 * {@code 3i, 3i+1, 3i+2} are anchor, positive, negative), and the miner returns exactly those, ignoring labels and
 * distances. A batch whose size is not a multiple of 3, or references other than the batch (a cross-batch memory),
 * is refused. Registry name {@code already_packaged_triplets}.
 */
public final class EmbeddingsAlreadyPackagedAsTriplets extends DeclaredMiner {

    /** The declaration (no settings). */
    public static final ComponentSpec<EmbeddingsAlreadyPackagedAsTriplets> SPEC = ComponentSpec.of(
            "already_packaged_triplets", EmbeddingsAlreadyPackagedAsTriplets.class,
            EmbeddingsAlreadyPackagedAsTriplets::new);

    /** Creates the miner. */
    public EmbeddingsAlreadyPackagedAsTriplets() {
        this(SPEC.read(null));
    }

    private EmbeddingsAlreadyPackagedAsTriplets(Settings settings) {
        super(settings);
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        if (refEmbeddings != embeddings) {
            throw new IllegalArgumentException("EmbeddingsAlreadyPackagedAsTriplets indexes the batch itself; it "
                    + "cannot mine against other references (a cross-batch memory): remove the memory or the miner");
        }
        long n = embeddings.getShape().get(0);
        if (n % 3 != 0) {
            throw new IllegalArgumentException("EmbeddingsAlreadyPackagedAsTriplets needs a batch of whole triplets "
                    + "(anchor, positive, negative rows in turn), but the batch has " + n + " rows, not a multiple "
                    + "of 3; make the batch size a multiple of 3");
        }
        NDManager m = embeddings.getManager();
        return new IndexTuples.Triplets(m.arange(0, n, 3, DataType.INT64), m.arange(1, n, 3, DataType.INT64),
                m.arange(2, n, 3, DataType.INT64));
    }
}
