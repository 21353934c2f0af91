package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of the evaluated weights of the best epoch (by the run's {@link TrainerConfig#monitor()}) and puts it
 * back into the model when the fit ends (Keras' {@code restore_best_weights}). On resume the copy is read from the
 * best epoch's checkpoint. Added by {@link TrainerConfig#withRestoreBest}.
 */
public final class RestoreBestWeights implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreBestWeights.class);

    private BestWeights best;
    private int capturedEpoch;

    /** Restores the best epoch's weights at the end of the fit. */
    public RestoreBestWeights() {}

    @Override
    public int order() {
        return ORDER_EARLY + 2; // after the weight average's own end-of-fit copy
    }

    /**
     * The epoch whose weights are kept.
     *
     * @return the epoch, 0 when none
     */
    public int capturedEpoch() {
        return capturedEpoch;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        if (context.config().monitor().isEmpty()) {
            throw new IllegalArgumentException("restoring the best weights needs a monitored value: configure "
                    + "withEarlyStopping or withMonitor, or remove RestoreBestWeights");
        }
        best = new BestWeights(context.manager());
        capturedEpoch = 0;
        int bestEpoch = context.bestEpoch();
        if (bestEpoch == 0) {
            return;
        }
        if (bestEpoch == context.completedEpochs()) {
            capture(context);
            return;
        }
        Path dir = context.outputDir().map(out -> Checkpoint.directory(out, bestEpoch)).orElse(null);
        if (dir == null || !Files.isDirectory(dir)) {
            LOG.warn("the best epoch's checkpoint {} is gone: the weights at the end of this fit are restored only if "
                    + "a later epoch improves", dir);
            return;
        }
        try (NDManager manager = context.manager().newSubManager()) {
            Checkpoint saved = Checkpoint.read(dir, manager);
            Map<String, NDArray> weights = saved.parameters();
            var averaged = context.config().callback(WeightAveraging.class)
                    .map(a -> saved.components().get(a.name())).orElse(null);
            best.capture(averaged != null ? averaged.arrays() : weights);
            capturedEpoch = bestEpoch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the best epoch's weights from " + dir, e);
        }
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        if (context.bestEpoch() == context.epoch()) {
            capture(context);
        }
    }

    private void capture(TrainingContext context) {
        best.capture(context.evaluatedWeights());
        capturedEpoch = context.bestEpoch();
    }

    @Override
    public void onFitEnd(TrainingContext context, String stoppedBy) {
        if (capturedEpoch == 0) {
            return;
        }
        best.restoreInto(context.parameters());
        if (capturedEpoch != context.completedEpochs()) {
            LOG.info("restored the weights of epoch {} ({} = {}), the best of {} epochs", capturedEpoch,
                    context.config().monitor().map(Monitor::name).orElse("?"), context.bestValue(),
                    context.completedEpochs());
        }
    }

    @Override
    public void close() {
        if (best != null) {
            best.close();
            best = null;
        }
    }

    @Override
    public String toString() {
        return "RestoreBestWeights";
    }
}
