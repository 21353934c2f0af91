package org.quaterion.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fit did.
 *
 * @param epochs per-epoch values ({@code epoch}, {@code global_step}, {@code lr}, {@code train_loss},
 *     {@code validation_loss}, attached metrics), one map per completed epoch, including epochs before a resume
 * @param stepLosses the training loss of every step this call ran, in order
 * @param stoppedEarly whether early stopping ended the run
 * @param lastCheckpoint the newest checkpoint written, or null
 */
public record FitResult(List<Map<String, Double>> epochs, List<Double> stepLosses, boolean stoppedEarly,
        Path lastCheckpoint) {}
