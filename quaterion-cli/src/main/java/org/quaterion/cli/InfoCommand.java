package org.quaterion.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.quaterion.models.SimilarityModel;
import org.quaterion.train.Quaterion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quaterion info DIR}: what a servable or checkpoint is and how it was trained. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show what a servable or a checkpoint holds and how it was trained.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "a servable directory or a checkpoint directory")
    Path dir;

    @Override
    public Integer call() {
        com.google.gson.Gson pretty = new com.google.gson.GsonBuilder().setPrettyPrinting()
                .disableHtmlEscaping().create();
        com.google.gson.JsonObject training;
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            com.google.gson.JsonObject config = org.quaterion.models.io.JsonFiles.read(dir.resolve("config.json"));
            if (!config.has("format") || !SimilarityModel.FORMAT.equals(config.get("format").getAsString())) {
                throw new IllegalArgumentException(dir + " is not a saved similarity model");
            }
            System.out.println("servable " + dir + ": library " + config.get("library_version") + ", encoders "
                    + config.get("encoders") + ", head " + config.getAsJsonObject("head").get("type")
                    + ", embedding size " + config.get("embedding_size")
                    + (config.has("prompts") ? ", prompts " + config.get("prompts") : ""));
            training = config.has("training") ? config.getAsJsonObject("training") : null;
        } else if (Files.isRegularFile(dir.resolve("state.json"))) {
            com.google.gson.JsonObject state = org.quaterion.models.io.JsonFiles.read(dir.resolve("state.json"));
            System.out.println("checkpoint " + dir + ": " + state.get("completed_epochs") + " epochs, "
                    + state.get("global_step") + " steps, best monitored value " + state.get("best")
                    + " (epoch " + state.get("best_epoch") + ")");
            training = state.has("training") ? state.getAsJsonObject("training") : null;
        } else {
            throw new IllegalArgumentException(dir + " is neither a servable (config.json) nor a checkpoint "
                    + "(state.json)");
        }
        System.out.println(training == null ? "no training record (saved before records were kept, or not "
                + "by Quaterion.fit)" : "training: " + pretty.toJson(training));
        return 0;
    }
}
