package org.quaterion.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.onnx.CrossEncoderModel;
import org.quaterion.search.VectorIndex;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configures serving when {@code quaterion.model.path} is set: a {@code SimilarityModel<String>} bean (libtorch
 * threads from {@code quaterion.model.threads}, set before the engine loads), a {@link VectorIndex} bean when
 * {@code quaterion.index.path} is set, a cross-encoder {@code PairScorer<String, String>} bean when
 * {@code quaterion.reranker.path} is set and quaterion-onnx is present (each closed on shutdown), the
 * {@link QuaterionService} (re-ranking with any {@code PairScorer<String, String>} bean), and — when the
 * application has them — the {@code /embed} and {@code /search} endpoints, a health indicator and Micrometer timers.
 * Any of these beans declared by the application replaces ours.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "quaterion.model", name = "path")
@EnableConfigurationProperties(QuaterionProperties.class)
public class QuaterionAutoConfiguration {

    /** Creates the configuration (Spring instantiates it). */
    public QuaterionAutoConfiguration() {}

    /**
     * The servable, loaded with String records.
     *
     * @param properties the settings
     * @return the model, closed on shutdown
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SimilarityModel<String> quaterionModel(QuaterionProperties properties) {
        QuaterionProperties.Model settings = properties.getModel();
        EngineSetup.configure(settings.getThreads());
        return SimilarityModel.load(settings.getPath(), String.class);
    }

    /**
     * The catalogue index: opened from {@code quaterion.index.path}, or — with {@code quaterion.index.source} —
     * built there from the JSONL catalogue when missing or out of date.
     *
     * @param properties the settings
     * @param model the servable that encodes a catalogue to build
     * @return the index, closed on shutdown
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "quaterion.index", name = "path")
    public VectorIndex quaterionIndex(QuaterionProperties properties, SimilarityModel<String> model) {
        QuaterionProperties.Index settings = properties.getIndex();
        try {
            return settings.getSource() != null ? IndexFromSource.openOrBuild(model, properties)
                    : VectorIndex.open(settings.getPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open or build the index at " + settings.getPath(), e);
        }
    }

    /**
     * The service the endpoints call.
     *
     * @param model the servable
     * @param index the index, when configured
     * @param timer the timer, when Micrometer is present
     * @param properties the settings
     * @return the service
     */
    @Bean
    @ConditionalOnMissingBean
    public QuaterionService quaterionService(SimilarityModel<String> model, ObjectProvider<VectorIndex> index,
            ObjectProvider<PairScorer<String, String>> reranker, ObjectProvider<OperationTimer> timer,
            QuaterionProperties properties) {
        if (properties.getIndex().getSource() != null && properties.getIndex().getPath() == null) {
            throw new IllegalStateException("quaterion.index.source is set but quaterion.index.path is not: set it to "
                    + "the directory where the index built from " + properties.getIndex().getSource() + " is saved");
        }
        PairScorer<String, String> scorer = reranker.getIfAvailable();
        if (scorer == null && properties.getReranker().getPath() != null) {
            throw new IllegalStateException("quaterion.reranker.path is set but no re-ranker was loaded: add "
                    + "org.quaterion:quaterion-onnx (CrossEncoderModel) to the application's dependencies");
        }
        return new QuaterionService(model, index.getIfAvailable(), scorer, properties,
                timer.getIfAvailable(() -> OperationTimer.NONE));
    }

    /** The cross-encoder at {@code quaterion.reranker.path}, when quaterion-onnx is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.quaterion.onnx.CrossEncoderModel")
    @ConditionalOnProperty(prefix = "quaterion.reranker", name = "path")
    static class CrossEncoderReranker {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        PairScorer<String, String> quaterionReranker(QuaterionProperties properties) {
            return CrossEncoderModel.load(properties.getReranker().getPath());
        }
    }

    /**
     * Micrometer timers {@code quaterion.encode} and {@code quaterion.search}, on the application's registry (looked
     * up at the first call: the registry's own auto-configuration may run after this one).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Metrics {
        @Bean
        OperationTimer quaterionTimer(ObjectProvider<MeterRegistry> registry) {
            return new OperationTimer() {
                @Override
                public <T> T record(String name, java.util.function.Supplier<T> work) {
                    MeterRegistry meters = registry.getIfAvailable();
                    if (meters == null) {
                        return work.get();
                    }
                    return Timer.builder(name).description("Quaterion " + name.substring(10) + " time")
                            .register(meters).record(work);
                }
            };
        }
    }

    /** The actuator's {@code quaterion} health: the servable's dimension and the index's size and engine. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "quaterionHealthIndicator")
        HealthIndicator quaterionHealthIndicator(QuaterionService service) {
            return () -> {
                try {
                    Health.Builder up = Health.up().withDetail("dimension", service.dimension());
                    VectorIndex index = service.index();
                    if (index != null) {
                        up.withDetails(Map.of("indexSize", index.size(), "indexEngine", index.engine()));
                    }
                    return up.build();
                } catch (RuntimeException e) {
                    return Health.down(e).build();
                }
            };
        }
    }

    /**
     * {@code POST /embed} and {@code POST /search}, with the request-size limit in front and their errors as
     * {@code {"error": "..."}}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    @ConditionalOnProperty(prefix = "quaterion.web", name = "enabled", matchIfMissing = true)
    static class Web {
        private final StrictJson json = new StrictJson();

        @Bean
        QuaterionController quaterionController(QuaterionService service) {
            return new QuaterionController(service, json);
        }

        @Bean
        JsonErrorResolver quaterionErrorResolver(QuaterionProperties properties) {
            return new JsonErrorResolver(json, properties.getWeb().getJsonErrors() == QuaterionProperties.JsonErrors.ALL);
        }

        @Bean
        FilterRegistrationBean<RequestSizeFilter> quaterionRequestSizeFilter(QuaterionProperties properties) {
            FilterRegistrationBean<RequestSizeFilter> registration = new FilterRegistrationBean<>(
                    new RequestSizeFilter(properties.getWeb().getMaxRequestBytes()));
            registration.addUrlPatterns(QuaterionController.EMBED, QuaterionController.SEARCH);
            return registration;
        }
    }
}
