package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C during `quaterion train` in a real process: a clean stop, one line, exit 130, resumable. */
class CliInterruptTest {

    @TempDir
    Path tmp;

    private static Process start(Path dir, String... args) throws Exception {
        return CliProcess.start(dir, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.log.ai.djl=error"), args);
    }

    @Test
    void ctrlCDuringTrainingStopsCleanlyWithExit130AndResumes() throws Exception {
        CliProcess.writePairs(tmp.resolve("pairs.jsonl"), 24);
        Path cfg = tmp.resolve("train.yaml");
        Files.writeString(cfg, "model:\n  encoder: minilm-int8\ndata:\n  kind: pairs\n  train: pairs.jsonl\n"
                + "loss: {}\ntrainer:\n  epochs: 100000\n  batch_size: 8\ncache:\n  dir: cache\noutput: out\n");
        Process p = start(tmp, "train", "--config", cfg.toString());
        StringBuilder output = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (!signalled && line.contains("checkpoint written") && line.contains("epoch-0002")) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    signalled = true;
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process ends");
        String text = output.toString();
        assertEquals(130, p.exitValue(), text);
        assertTrue(text.contains("interrupted after epoch") && text.contains("resume with: quaterion train --config")
                && text.contains("--resume latest"), text);
        assertTrue(!text.contains("SIGSEGV") && !text.contains("hs_err"), text);
        Path latest = org.quaterion.train.Checkpoint.latest(tmp.resolve("out"));
        assertTrue(latest != null && Files.isRegularFile(latest.resolve("state.json")), "a loadable checkpoint");
        // the epoch the message names is the one its checkpoint is named after (epochs count from 1)
        java.util.regex.Matcher after = java.util.regex.Pattern.compile("interrupted after epoch (\\d+); latest "
                + "checkpoint (\\S+);").matcher(text);
        assertTrue(after.find(), text);
        assertEquals(latest.toString(), after.group(2));
        assertEquals(latest.getFileName().toString(), String.format("epoch-%04d", Integer.parseInt(after.group(1))));
        try (var siblings = Files.list(tmp.resolve("out/checkpoints"))) {
            assertTrue(siblings.noneMatch(s -> s.getFileName().toString().startsWith(".")), "no temporary leftovers");
        }
    }
}
