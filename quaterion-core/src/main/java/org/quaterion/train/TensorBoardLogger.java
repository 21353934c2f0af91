package org.quaterion.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes TensorBoard scalars: {@code train_loss_step} per step and every epoch value (losses, metrics, {@code lr},
 * {@code epoch_seconds}) at the epoch's last step. A failed write is reported once and logging stops; it never fails
 * the run. Added by {@link TrainerConfig#withTensorBoard}.
 */
public final class TensorBoardLogger implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(TensorBoardLogger.class);

    private final Path dir;
    private TensorBoardWriter writer;

    /**
     * A logger writing under a directory.
     *
     * @param dir the log directory (created when missing)
     */
    public TensorBoardLogger(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("the TensorBoard directory must not be null");
        }
        this.dir = dir;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        try {
            writer = TensorBoardWriter.open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a TensorBoard event file in " + dir, e);
        }
        LOG.info("TensorBoard events: {}", writer.file());
    }

    @Override
    public void onTrainBatchEnd(TrainingContext context, BatchEnd batch) {
        scalar("train_loss_step", batch.loss(), context.globalStep() - 1);
        batch.metrics().forEach((k, v) -> {
            if (context.logOptions(k).onStep() && context.logOptions(k).logger()) {
                scalar(k + "_step", v, context.globalStep() - 1);
            }
        });
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        row.forEach((k, v) -> {
            if (!k.equals("epoch") && !k.equals("global_step") && context.logOptions(k).logger()) {
                scalar(k, v, context.globalStep());
            }
        });
    }

    private void scalar(String tag, double value, long step) {
        if (writer == null) {
            return;
        }
        try {
            writer.scalar(tag, value, step);
        } catch (IOException e) {
            LOG.warn("TensorBoard events are no longer written ({}): {}", writer.file(), e.toString());
            close();
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("could not close the TensorBoard event file: {}", e.toString());
            }
            writer = null;
        }
    }

    @Override
    public String toString() {
        return "TensorBoardLogger{" + dir + "}";
    }
}
