package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a mapping file as Java properties in UTF-8, strictly: a byte-order mark is skipped, a key
 * given twice is an error naming both lines (the last would otherwise silently win), and a file
 * that is missing, not UTF-8 or binary says so instead of failing on its first key.
 */
final class MappingFile {
    private MappingFile() {
    }

    static Map<String, String> read(Path file) {
        String text = decode(file);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, String> values = new TreeMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<Problem> problems = new ArrayList<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines[i]);
            // A line ending in an odd number of backslashes continues on the next, as Properties reads it; a comment does not.
            String trimmed = lines[i].stripLeading();
            boolean comment = trimmed.startsWith("#") || trimmed.startsWith("!");
            while (!comment && continues(lines[i]) && i + 1 < lines.length) {
                logical.append('\n').append(lines[++i]);
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(Problem.of(file + ":" + (first + 1), "cannot be read as a property: " + e.getMessage()));
                continue;
            }
            for (String key : one.stringPropertyNames()) {
                Integer before = lineOf.putIfAbsent(key, first + 1);
                if (before != null) {
                    problems.add(Problem.of(key, "is given twice, on lines " + before + " and " + (first + 1) + " of " + file
                            + "; keep one"));
                }
                values.put(key, one.getProperty(key));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return values;
    }

    private static boolean continues(String line) {
        int slashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            slashes++;
        }
        return slashes % 2 == 1;
    }

    private static String decode(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(Problem.of(file.toString(), "no such file"));
        } catch (IOException e) {
            throw new ConfigurationException(Problem.of(file.toString(), "cannot be read: " + e.getMessage()));
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            int nul = text.indexOf('\0');
            if (nul >= 0) {
                throw new CharacterCodingException();
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new ConfigurationException(Problem.of(file.toString(), "is not a UTF-8 properties file (a mapping file is text: "
                    + "key=value lines in UTF-8)"));
        }
    }
}
