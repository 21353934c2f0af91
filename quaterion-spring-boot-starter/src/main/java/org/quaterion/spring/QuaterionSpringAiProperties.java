package org.quaterion.spring;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code quaterion.spring-ai.*} settings: the Spring AI embedding model's name and the vector store's directory. */
@ConfigurationProperties("quaterion.spring-ai")
public class QuaterionSpringAiProperties {

    private String modelName = "quaterion";
    private Path storePath;
    private boolean saveOnShutdown;

    /** Creates the defaults. */
    public QuaterionSpringAiProperties() {}

    /**
     * The name the embedding model reports and accepts in options (default {@code quaterion}).
     *
     * @return the name
     */
    public String getModelName() {
        return modelName;
    }

    /**
     * Sets the embedding model's name.
     *
     * @param modelName not blank
     */
    public void setModelName(String modelName) {
        this.modelName = modelName;
    }

    /**
     * The vector store's directory: opened when it holds a saved store, an empty store otherwise (null: always
     * empty).
     *
     * @return the path
     */
    public Path getStorePath() {
        return storePath;
    }

    /**
     * Sets the vector store's directory.
     *
     * @param storePath the path
     */
    public void setStorePath(Path storePath) {
        this.storePath = storePath;
    }

    /**
     * Whether the store is saved to {@link #getStorePath()} when the application stops (default false).
     *
     * @return the choice
     */
    public boolean isSaveOnShutdown() {
        return saveOnShutdown;
    }

    /**
     * Sets whether the store is saved when the application stops.
     *
     * @param saveOnShutdown the choice; true needs a store path
     */
    public void setSaveOnShutdown(boolean saveOnShutdown) {
        this.saveOnShutdown = saveOnShutdown;
    }
}
