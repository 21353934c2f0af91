package org.quaterion.spring;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets {@code logging.level.ai.djl.util.cuda.CudaUtils=ERROR} as a default (any value the application sets wins):
 * DJL probes for CUDA when its engine loads and logs "Failed to detect GPU count" warnings on machines that have a
 * CUDA runtime library but no usable GPU, which is noise for a CPU service.
 */
public class QuietCudaProbe implements EnvironmentPostProcessor {

    /** Creates the post-processor (Spring instantiates it). */
    public QuietCudaProbe() {}

    /**
     * Adds the default at the lowest precedence.
     *
     * @param environment the environment
     * @param application the application
     */
    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("quaterion-defaults",
                Map.of("logging.level.ai.djl.util.cuda.CudaUtils", "ERROR")));
    }
}
