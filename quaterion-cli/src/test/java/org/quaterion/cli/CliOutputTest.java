package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees from {@code quaterion train} in a process of its own, with no logging settings (the test JVM's
 * quiet levels would hide the engines' start-up lines): no CUDA-probe lines on a CPU machine, epochs counted from 1
 * in the progress lines, the checkpoint names and the final line, and each epoch's time as measured.
 */
class CliOutputTest {

    @TempDir
    Path tmp;

    @Test
    void trainPrintsNoEngineProbeLinesAndOneEpochNumbering() throws Exception {
        CliProcess.writePairs(tmp.resolve("pairs.jsonl"), 16);
        Path cfg = tmp.resolve("train.yaml");
        Files.writeString(cfg, "model:\n  encoder: minilm-int8\ndata:\n  kind: pairs\n  train: pairs.jsonl\n"
                + "  validation: pairs.jsonl\nloss: {}\ntrainer:\n  epochs: 2\n  batch_size: 8\noutput: out\n");
        Process p = CliProcess.start(tmp, List.of(), "train", "--config", cfg.toString());
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the process ends");
        assertEquals(0, p.exitValue(), output);

        // DJL's CUDA probe and ONNX Runtime's CUDA provider probe are quiet on a CPU machine
        for (String probe : new String[] {"CudaUtils", "Failed to detect GPU count", "CUDA is not supported",
            "ORT_EP_FAIL"}) {
            assertFalse(output.contains(probe), "no '" + probe + "' line:\n" + output);
        }

        // epoch N's line, then the checkpoint epoch-000N that holds its weights; its time is its epoch_seconds
        assertFalse(output.contains("epoch 0 "), output);
        int from = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            Matcher done = Pattern.compile("epoch " + epoch + " done in (\\d+):(\\d\\d):.* epoch_seconds=([0-9.]+)")
                    .matcher(output);
            assertTrue(done.find(from), "a line for epoch " + epoch + ":\n" + output);
            long shown = Long.parseLong(done.group(1)) * 60 + Long.parseLong(done.group(2));
            assertEquals(Math.round(Double.parseDouble(done.group(3))), shown, "the time shown is the epoch's: "
                    + done.group());
            int checkpoint = output.indexOf("checkpoint written: " + tmp.resolve(String.format("out/checkpoints/"
                    + "epoch-%04d", epoch)), done.end());
            assertTrue(checkpoint > 0, "after epoch " + epoch + " its checkpoint is written:\n" + output);
            from = checkpoint;
        }

        // the last line names the best epoch by the same number as its checkpoint and its metrics.csv row
        Matcher best = Pattern.compile("best epoch (\\d+) \\(validation_loss ([^,]+), checkpoint ([^)]+)\\)")
                .matcher(output);
        assertTrue(best.find(), output);
        int bestEpoch = Integer.parseInt(best.group(1));
        assertEquals(tmp.resolve(String.format("out/checkpoints/epoch-%04d", bestEpoch)).toString(), best.group(3));
        List<String> csv = Files.readAllLines(tmp.resolve("out/metrics.csv"));
        String row = csv.get(bestEpoch);
        assertTrue(row.startsWith(bestEpoch + ","), "row " + bestEpoch + " of " + csv);
        double bestLoss = Double.parseDouble(row.split(",")[List.of(csv.get(0).split(",")).indexOf(
                "validation_loss")]);
        assertEquals(Double.parseDouble(best.group(2)), bestLoss, 1e-5 * Math.abs(bestLoss));
    }
}
