package org.quaterion.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.Miner;

/** {@code train --help} names every loss a config of either data kind accepts and every registered miner. */
class TrainHelpTest {

    @Test
    void listsEveryRegisteredLossAndMiner() {
        String help = String.join("\n", TrainHelp.footer());
        List<String> names = new ArrayList<>(TrainConfig.lossNames(true));
        names.addAll(TrainConfig.lossNames(false));
        names.addAll(TrainConfig.REGISTRY.names(Miner.class));
        assertTrue(names.size() > 40, "the registry lists " + names.size() + " names");
        for (String name : names) {
            assertTrue(Pattern.compile("(?<![\\w])" + Pattern.quote(name) + "(?![\\w])").matcher(help).find(),
                    "train --help does not list " + name + ":\n" + help);
        }
        for (String line : TrainHelp.footer()) {
            assertTrue(line.length() <= 72, "line too long: " + line);
        }
    }
}
