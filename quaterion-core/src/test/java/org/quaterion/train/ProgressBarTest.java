package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The epoch summary line: its number and its time are those of the epoch's row. */
class ProgressBarTest {

    @Test
    void theEpochLineShowsTheEpochsTimeIncludingValidation() {
        List<String> lines = new ArrayList<>();
        ProgressBar bar = new ProgressBar(true, false, null, lines::add);
        bar.startStage(); // training
        bar.startStage(); // validation, which ends just before the summary
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("epoch", 3.0);
        row.put("train_loss", 0.5);
        row.put("epoch_seconds", 75.4);
        bar.endEpoch(3, row);
        assertEquals(List.of("epoch 3 done in 1:15: train_loss=0.50000 epoch_seconds=75.400"), lines);
    }
}
