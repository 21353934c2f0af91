package org.quaterion.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.ForkedJvm;

/** {@link QuickStartDemo} runs to the end: it saves its model, loads it back and finds the paraphrases. */
class QuickStartDemoTest {

    @Test
    void theDemoLoadsItsModelBackUnchanged(@TempDir Path tmp) throws Exception {
        String line = ForkedJvm.resultLine(QuickStartDemo.class, tmp, "Loaded back",
                tmp.resolve("model").toString());
        assertTrue(line.contains("0.00e+00"), "the loaded model gives the saved model's embeddings: " + line);
    }
}
