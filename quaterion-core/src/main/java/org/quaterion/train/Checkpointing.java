package org.quaterion.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quaterion.models.io.AtomicDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint ({@code <outputDir>/checkpoints/epoch-NNNN}) every few epochs, at the best epoch, at the last
 * one and when the run stops, and prunes all but the newest few (never the best). Runs after every other callback,
 * so a checkpoint holds each callback's state for the epoch. Added by {@link TrainerConfig#withOutputDir}; tune it
 * with {@link TrainerConfig#withCheckpoints}.
 */
public final class Checkpointing implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointing.class);

    private final int everyEpochs;
    private final int keep;
    private Path last;

    /**
     * Checkpoints every few epochs.
     *
     * @param everyEpochs the interval, at least 1
     * @param keep how many of the newest to keep, at least 1 (the best is kept too)
     */
    public Checkpointing(int everyEpochs, int keep) {
        if (everyEpochs < 1 || keep < 1) {
            throw new IllegalArgumentException("checkpoints need everyEpochs >= 1 and keep >= 1, got " + everyEpochs
                    + " and " + keep + "; call withoutCheckpoints() for none");
        }
        this.everyEpochs = everyEpochs;
        this.keep = keep;
    }

    @Override
    public int order() {
        return ORDER_LATE;
    }

    /**
     * The checkpoint this fit wrote last.
     *
     * @return its directory, or null when none
     */
    public Path lastCheckpoint() {
        return last;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        if (context.outputDir().isEmpty()) {
            throw new IllegalArgumentException("checkpoints need an output directory: call withOutputDir, or "
                    + "withoutCheckpoints()");
        }
        last = null;
    }

    @Override
    public void onEpochEnd(TrainingContext context, Map<String, Double> row) {
        int epoch = context.epoch();
        boolean lastEpoch = context.maxEpochs().isPresent() && epoch == context.maxEpochs().getAsInt();
        if (epoch % everyEpochs != 0 && !context.stopRequested() && context.bestEpoch() != epoch && !lastEpoch) {
            return;
        }
        Path out = context.outputDir().orElseThrow();
        Path dir = Checkpoint.directory(out, epoch);
        try {
            context.writeCheckpoint(dir);
            List<Path> all = Checkpoint.list(out);
            for (int i = 0; i < all.size() - keep; i++) {
                if (Checkpoint.epochOf(all.get(i)) != context.bestEpoch()) {
                    AtomicDirectory.deleteRecursively(all.get(i));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
        last = dir;
        LOG.info("checkpoint written: {}", dir);
    }

    @Override
    public String toString() {
        return "Checkpointing{everyEpochs=" + everyEpochs + ", keep=" + keep + "}";
    }
}
