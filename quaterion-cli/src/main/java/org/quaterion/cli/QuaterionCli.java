package org.quaterion.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quaterion} command-line tool: {@code train} from a YAML config, {@code evaluate}, {@code encode},
 * {@code index} and {@code search} with a saved model, {@code cache} (precompute a frozen encoder's cache, in this
 * JVM or on Spark), {@code export} (a servable as one ONNX graph). Text records. Bad input exits with status 2 and a
 * message saying what to fix.
 */
@Command(name = "quaterion", mixinStandardHelpOptions = true, version = "quaterion 0.1.0",
        description = "Fine-tune, evaluate and serve similarity models.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, EncodeCommand.class,
            IndexCommand.class, SearchCommand.class, CacheCommand.class, InfoCommand.class, ExportCommand.class,
            CommandLine.HelpCommand.class})
public final class QuaterionCli implements Callable<Integer> {

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the tool and returns the exit status (0 ok, 2 bad input or configuration, 3 a damaged model or
     * checkpoint file, 130 interrupted, 1 a bug).
     *
     * @param args the command line
     * @return the status
     */
    public static int run(String... args) {
        EngineLogLevels.apply(); // before any engine loads
        CommandLine cli = new CommandLine(new QuaterionCli());
        cli.getSubcommands().get("train").getCommandSpec().usageMessage().footer(TrainHelp.footer());
        cli.setParameterExceptionHandler((e, arguments) -> {
            // a wrong option or argument: one line, like every other usage error, pointing to the usage
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            printError(e.getCommandLine(), firstLine(e.getMessage()) + "; see `" + name + " --help`");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof java.nio.file.NoSuchFileException missing) {
                printError(cmd, "file not found: " + missing.getFile());
                return 2;
            }
            if (e instanceof org.quaterion.models.io.CorruptArtifactException corrupt) {
                printError(cmd, "damaged file: " + corrupt.getMessage());
                return 3; // not a usage error: restore the artifact or write it again
            }
            if (e instanceof java.nio.file.AccessDeniedException denied) {
                printError(cmd, "permission denied: " + denied.getFile());
                return 2;
            }
            Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || cause instanceof IOException) {
                // bad input or an environment problem the user can fix: one line, exit 2; library bugs
                // (anything else) keep their stack trace and exit 1
                String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                printError(cmd, firstLine(message)
                        + (cause != e && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""));
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The prefix of every error line the tool prints. */
    static final String ERROR_PREFIX = "error: ";

    /** Prints one error line, with the tool's one prefix, to the command's error stream. */
    private static void printError(CommandLine cmd, String message) {
        cmd.getErr().println(ERROR_PREFIX + message);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse(message);
    }
}
