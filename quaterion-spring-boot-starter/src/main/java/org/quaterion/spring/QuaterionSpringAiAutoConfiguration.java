package org.quaterion.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quaterion.models.SimilarityModel;
import org.quaterion.springai.QuaterionEmbeddingModel;
import org.quaterion.springai.QuaterionVectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Spring AI beans over the starter's servable, when Spring AI and {@code quaterion-spring-ai} are on the class path
 * and a {@code SimilarityModel<String>} bean exists (from {@code quaterion.model.path} or the application): an
 * {@link EmbeddingModel} ({@link QuaterionEmbeddingModel}, batches of {@code quaterion.model.batch-size}) and a
 * {@link VectorStore} ({@link QuaterionVectorStore}) opened from {@code quaterion.spring-ai.store-path} when that
 * directory holds a saved store, empty otherwise, closed on shutdown and saved there first when
 * {@code quaterion.spring-ai.save-on-shutdown} is true. Either bean declared by the application replaces ours (the
 * store then embeds with the application's {@code EmbeddingModel}).
 */
@AutoConfiguration(after = QuaterionAutoConfiguration.class)
@ConditionalOnClass({EmbeddingModel.class, VectorStore.class, QuaterionEmbeddingModel.class})
@ConditionalOnBean(SimilarityModel.class)
@EnableConfigurationProperties({QuaterionSpringAiProperties.class, QuaterionProperties.class})
public class QuaterionSpringAiAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(QuaterionSpringAiAutoConfiguration.class);

    /** Creates the configuration (Spring instantiates it). */
    public QuaterionSpringAiAutoConfiguration() {}

    /**
     * Spring AI's embedding model over the servable.
     *
     * @param model the servable
     * @param properties the starter's settings (batch size)
     * @param springAi the Spring AI settings (model name)
     * @return the embedding model (the servable stays the starter's to close)
     */
    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public QuaterionEmbeddingModel quaterionEmbeddingModel(SimilarityModel<String> model,
            QuaterionProperties properties, QuaterionSpringAiProperties springAi) {
        return new QuaterionEmbeddingModel(model, springAi.getModelName(), properties.getModel().getBatchSize());
    }

    /**
     * The vector store, opened from {@code quaterion.spring-ai.store-path} when it holds one, else empty.
     *
     * @param embeddingModel the embedding model in the context (ours unless the application declares one)
     * @param springAi the Spring AI settings
     * @return the store, closed on shutdown
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(VectorStore.class)
    public QuaterionVectorStore quaterionVectorStore(EmbeddingModel embeddingModel,
            QuaterionSpringAiProperties springAi) {
        Path dir = springAi.getStorePath();
        if (springAi.isSaveOnShutdown() && dir == null) {
            throw new IllegalStateException("quaterion.spring-ai.save-on-shutdown=true needs"
                    + " quaterion.spring-ai.store-path: where should the store be saved?");
        }
        if (dir == null || !Files.exists(dir)) {
            if (dir != null) {
                LOG.info("no vector store at {} yet: starting empty", dir);
            }
            return QuaterionVectorStore.create(embeddingModel);
        }
        try {
            return QuaterionVectorStore.open(embeddingModel, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the vector store at " + dir
                    + " (quaterion.spring-ai.store-path)", e);
        }
    }

    /**
     * Saves the store when the application stops, before the store is closed, when
     * {@code quaterion.spring-ai.save-on-shutdown} is true.
     *
     * @param store the store, when it is ours
     * @param springAi the Spring AI settings
     * @return the lifecycle hook
     */
    @Bean
    SmartLifecycle quaterionVectorStoreSaver(ObjectProvider<QuaterionVectorStore> store,
            QuaterionSpringAiProperties springAi) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                QuaterionVectorStore ours = store.getIfAvailable();
                if (!springAi.isSaveOnShutdown() || ours == null) {
                    return;
                }
                if (ours.size() == 0) {
                    LOG.warn("the vector store is empty: nothing saved, {} keeps what it held",
                            springAi.getStorePath());
                    return;
                }
                try {
                    ours.save(springAi.getStorePath());
                    LOG.info("vector store saved to {}", springAi.getStorePath());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save the vector store to " + springAi.getStorePath(), e);
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            /** Phase 0: stopped after the web server (a late phase), so no request adds after the save. */
            @Override
            public int getPhase() {
                return 0;
            }
        };
    }
}
