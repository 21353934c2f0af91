package org.quaterion.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TextCountsEncoder;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.spring.QuaterionAutoConfiguration;
import org.quaterion.spring.QuaterionSpringAiAutoConfiguration;
import org.quaterion.springai.QuaterionEmbeddingModel;
import org.quaterion.springai.QuaterionVectorStore;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Spring AI auto-configuration's conditions and store lifecycle, on a small text model. */
class QuaterionSpringAiAutoConfigurationTest {

    @TempDir
    Path tmp;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QuaterionAutoConfiguration.class,
                    QuaterionSpringAiAutoConfiguration.class))
            .withUserConfiguration(TextModel.class);

    /** An application's own servable bean (no quaterion.model.path). */
    @Configuration(proxyBeanMethods = false)
    static class TextModel {
        @Bean(destroyMethod = "close")
        SimilarityModel<String> textModel() {
            return SimilarityModel.<String>builder().setEncoder(TextCountsEncoder.create())
                    .setHead(new NormalizeHead(TextCountsEncoder.SIZE)).build();
        }
    }

    /** An application's own embedding model, which replaces ours. */
    @Configuration(proxyBeanMethods = false)
    static class OwnEmbeddingModel {
        @Bean
        EmbeddingModel ownEmbeddingModel(SimilarityModel<String> model) {
            return new QuaterionEmbeddingModel(model, "own", 8);
        }
    }

    @Test
    void theStoreIsSavedOnShutdownAndOpenedAtTheNextStart() {
        String path = "quaterion.spring-ai.store-path=" + tmp.resolve("store");
        runner.withPropertyValues(path, "quaterion.spring-ai.save-on-shutdown=true").run(context -> {
            assertThat(context).hasSingleBean(QuaterionEmbeddingModel.class);
            VectorStore store = context.getBean(VectorStore.class);
            store.add(List.of(Document.builder().id("a").text("lighthouse").metadata(Map.of("n", 1)).build(),
                    Document.builder().id("b").text("harbour").metadata(Map.of("n", 2)).build()));
        });
        assertThat(tmp.resolve("store")).isDirectory();
        runner.withPropertyValues(path).run(context -> {
            QuaterionVectorStore store = context.getBean(QuaterionVectorStore.class);
            assertThat(store.size()).isEqualTo(2);
            List<Document> hits = store.similaritySearch(SearchRequest.builder().query("harbour").topK(1).build());
            assertThat(hits).extracting(Document::getId).containsExactly("b");
            assertThat(hits.get(0).getMetadata()).containsEntry("n", 2);
        });
    }

    @Test
    void anApplicationsEmbeddingModelReplacesOursAndTheStoreUsesIt() {
        runner.withUserConfiguration(OwnEmbeddingModel.class).run(context -> {
            assertThat(context).hasSingleBean(EmbeddingModel.class);
            assertThat(((QuaterionEmbeddingModel) context.getBean(EmbeddingModel.class)).modelName()).isEqualTo("own");
            assertThat(context).hasSingleBean(QuaterionVectorStore.class);
        });
    }

    @Test
    void savingOnShutdownWithoutAPathFailsAtStartWithTheFix() {
        runner.withPropertyValues("quaterion.spring-ai.save-on-shutdown=true").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("quaterion.spring-ai.store-path");
        });
    }

    @Test
    void withoutTheAdapterOrAServableNothingIsConfigured() {
        runner.withClassLoader(new FilteredClassLoader(QuaterionEmbeddingModel.class)).run(context -> {
            assertThat(context).doesNotHaveBean(EmbeddingModel.class);
            assertThat(context).doesNotHaveBean(VectorStore.class);
        });
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(QuaterionAutoConfiguration.class,
                QuaterionSpringAiAutoConfiguration.class)).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(VectorStore.class);
                });
    }
}
