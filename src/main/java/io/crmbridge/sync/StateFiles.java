package io.crmbridge.sync;

import io.crmbridge.BridgeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the bridge's small state files (watermark, dead letters, reported products) so that a crash leaves the
 * old file or the new one, never half of one: the text goes to a temporary file beside it, which then replaces it.
 */
final class StateFiles {

    private StateFiles() {
    }

    /**
     * Replaces {@code file} with {@code text}, creating its folder when needed.
     *
     * @param what the file's name for an error message, such as "orders watermark file"
     */
    static void replace(Path file, String text, String what) {
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            Path temporary = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BridgeException("Cannot write the " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
