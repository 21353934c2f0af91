package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.onnx.CrossEncoderModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code quaterion.reranker.path} loads the servable with {@code CrossEncoderModel.load} (which refuses a
 * bi-encoder's servable) and, without quaterion-onnx on the classpath, stops the start with a message instead of
 * serving without a re-ranker.
 */
class RerankerConfigurationTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void servable() throws IOException {
        TestServables.saveServable(dir.resolve("servable"));
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(QuaterionAutoConfiguration.class))
                .withPropertyValues("quaterion.model.path=" + dir.resolve("servable"),
                        "quaterion.reranker.path=" + dir.resolve("servable"));
    }

    private static String messages(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            out.append(t.getMessage()).append('\n');
        }
        return out.toString();
    }

    @Test
    void aBiEncoderServableIsNotAReranker() {
        runner().run(context -> {
            assertNotNull(context.getStartupFailure(), "the start should fail");
            String messages = messages(context.getStartupFailure());
            assertTrue(messages.contains("is a bi-encoder's servable"), messages);
        });
    }

    @Test
    void withoutQuaterionOnnxThePathIsNotIgnored() {
        runner().withClassLoader(new FilteredClassLoader(CrossEncoderModel.class)).run(context -> {
            assertNotNull(context.getStartupFailure(), "the start should fail");
            String messages = messages(context.getStartupFailure());
            assertTrue(messages.contains("quaterion.reranker.path is set but no re-ranker was loaded"), messages);
        });
    }
}
