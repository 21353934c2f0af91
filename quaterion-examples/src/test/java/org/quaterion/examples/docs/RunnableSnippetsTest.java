package org.quaterion.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.ForkedJvm;

/** The README quick start runs as shown: it saves a model under {@code ./model} and a service loads it back. */
class RunnableSnippetsTest {

    @Test
    void theQuickStartSavesAModelThatLoadsBack(@TempDir Path workDir) throws Exception {
        String line = ForkedJvm.resultLine(RunnableSnippets.class, workDir, "RESULT quick-start");
        assertEquals("RESULT quick-start 40 128 1.0000", line, "40 loaded vectors of 128 dims, L2-normalised");
        assertTrue(Files.isRegularFile(workDir.resolve("model/config.json")), "the model was saved where shown");
    }
}
