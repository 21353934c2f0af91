package org.quaterion.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.ForkedJvm;

/**
 * The documentation snippets that save and load run as shown, each in a fresh JVM whose working directory receives
 * their relative paths, and what they saved loads back.
 */
class RunnableSnippetsTest {

    @Test
    void theQuickStartSavesAModelThatLoadsBack(@TempDir Path workDir) throws Exception {
        String line = ForkedJvm.resultLine(RunnableSnippets.class, workDir, "RESULT quick-start", "quick-start");
        assertEquals("RESULT quick-start 40 128 1.0000", line, "40 loaded vectors of 128 dims, L2-normalised");
        assertTrue(Files.isRegularFile(workDir.resolve("model/config.json")), "the model was saved where shown");
    }

    @Test
    void theVectorIndexSnippetBuildsAnIndexThatReopensAndAnswers(@TempDir Path workDir) throws Exception {
        String line = ForkedJvm.resultLine(RunnableSnippets.class, workDir, "RESULT vector-index", "vector-index");
        assertEquals("RESULT vector-index 3 spaghetti", line, "the reopened index finds the pasta dish");
    }

    @Test
    void theTrainingDefinitionsSnippetSavesAServableThatLoads(@TempDir Path workDir) throws Exception {
        String line = ForkedJvm.resultLine(RunnableSnippets.class, workDir, "RESULT training-definitions",
                "training-definitions");
        assertEquals("RESULT training-definitions 16", line, "the trained servable loads and encodes");
        assertTrue(Files.isDirectory(workDir.resolve("runs/defs")), "the run's outputs are where shown");
    }

    @Test
    void theLinearProbeSnippetSavesAClassifierThatClassifies(@TempDir Path workDir) throws Exception {
        String line = ForkedJvm.resultLine(RunnableSnippets.class, workDir, "RESULT linear-probe",
                "training-definitions");
        assertEquals("RESULT linear-probe 10 classes, 10 of 10 centres right", line,
                "the probe's saved classifier loads and classifies the class centres");
    }
}
