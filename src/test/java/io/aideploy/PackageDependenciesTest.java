package io.aideploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Arrows point inward: no package imports one that imports it back (directly or through others),
 * and the bottom packages import none but each other.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/aideploy");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?io\\.aideploy\\.([a-z0-9]+)\\.", Pattern.MULTILINE);

  /** The packages everything else builds on. */
  private static final Set<String> BOTTOM = Set.of("api", "labels", "crypto", "config", "kube");

  @Test
  void noPackageDependsOnItself() throws IOException {
    Map<String, Set<String>> imports = imports();
    assertThat(imports).containsKeys("app", "token", "gateway", "operator", "server");
    List<String> cycles = new ArrayList<>();
    for (String start : imports.keySet()) {
      if (reaches(imports, start, start, new TreeSet<>())) {
        cycles.add(start);
      }
    }
    assertThat(cycles).as("packages on an import cycle, with " + imports).isEmpty();
  }

  @Test
  void theBottomPackagesImportOnlyEachOther() throws IOException {
    Map<String, Set<String>> imports = imports();
    for (String bottom : BOTTOM) {
      assertThat(BOTTOM)
          .as(bottom + " imports")
          .containsAll(imports.getOrDefault(bottom, Set.of()));
    }
  }

  private static boolean reaches(
      Map<String, Set<String>> imports, String from, String target, Set<String> seen) {
    for (String next : imports.getOrDefault(from, Set.of())) {
      if (next.equals(target)) {
        return true;
      }
      if (seen.add(next) && reaches(imports, next, target, seen)) {
        return true;
      }
    }
    return false;
  }

  /** Package -> the other aideploy packages its main sources import. */
  private static Map<String, Set<String>> imports() throws IOException {
    Map<String, Set<String>> imports = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() < 2) {
          continue; // io.aideploy itself: the entry point, at the very top
        }
        String pkg = relative.getName(0).toString();
        Matcher m = IMPORT.matcher(Files.readString(file));
        Set<String> used = imports.computeIfAbsent(pkg, k -> new TreeSet<>());
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            used.add(m.group(1));
          }
        }
      }
    }
    return imports;
  }
}
