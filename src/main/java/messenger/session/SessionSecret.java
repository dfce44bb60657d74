package messenger.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The key of the session cookie. Every instance of one deployment needs the same one, so {@code SESSION_SECRET}
 * wins (with a warning when it is short). Without it, a single instance keeps a strong key of its own in a file
 * only its user can read ({@code session.secretFile}), made on the first start, so that its sessions survive a
 * restart. Where that file can be neither read nor made, the key is random and lasts this run only. The key
 * itself is never logged. Blocking: file I/O.
 */
public final class SessionSecret {

  /** Shorter than this, a configured secret is warned about (a generated one has 43 characters: 32 random bytes). */
  public static final int MIN_LENGTH = 32;

  private static final Logger log = LoggerFactory.getLogger(SessionSecret.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private SessionSecret() {
  }

  /** {@code configured}: {@code SESSION_SECRET} or {@code session.secret}, may be null; {@code file}: where to keep one. */
  public static String resolve(String configured, String file) {
    if (configured != null && !configured.isBlank()) {
      if (configured.length() < MIN_LENGTH) {
        log.warn("SESSION_SECRET has {} characters: use at least {} random ones, e.g. SESSION_SECRET=$(openssl rand -base64 32)",
          configured.length(), MIN_LENGTH);
      }
      return configured;
    }
    Path path = path(file);
    try {
      boolean made = makeIfAbsent(path);
      log.info("SESSION_SECRET is not set: sessions are sealed with the key in {} ({}), so they survive a restart of this "
          + "instance. Several instances need the same key: set SESSION_SECRET to the same value on each.",
        path, made ? "made now, readable by this user only" : "kept from an earlier start");
      warnIfOthersCanRead(path);
      return Files.readString(path, StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      log.warn("SESSION_SECRET is not set and the session key cannot be kept in {} ({}): using a random key. Sessions "
        + "will not survive a restart. Set SESSION_SECRET, or session.secretFile to a writable place.", path, e.toString());
      return random();
    }
  }

  /** {@code ~/} stands for the user's home directory. */
  static Path path(String file) {
    return file.startsWith("~/") ? Path.of(System.getProperty("user.home"), file.substring(2)) : Path.of(file);
  }

  /**
   * Makes the file with a new key unless it exists; true when made. The key is written to a file of its own first
   * and then moved into place, which fails when another process made it meanwhile: both then use the same key.
   */
  private static boolean makeIfAbsent(Path path) throws IOException {
    if (Files.exists(path)) {
      return false;
    }
    Path directory = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(directory)) {
      if (isPosix(directory)) {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
      } else {
        Files.createDirectories(directory);
      }
    }
    Path draft = Files.createTempFile(directory, ".session-secret", ".tmp"); // rw------- where permissions exist
    try {
      Files.writeString(draft, random() + "\n", StandardCharsets.UTF_8);
      Files.move(draft, path);
      return true;
    } catch (FileAlreadyExistsException madeMeanwhile) {
      return false;
    } finally {
      Files.deleteIfExists(draft);
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static void warnIfOthersCanRead(Path path) throws IOException {
    if (isPosix(path) && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(path))) {
      log.warn("{} can be read by other users: anyone who reads it can forge sessions. Run: chmod 600 {}", path, path);
    }
  }

  /** 32 random bytes, base64url. */
  private static String random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }
}
