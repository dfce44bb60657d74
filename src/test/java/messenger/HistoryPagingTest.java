package messenger;

import io.vertx.core.json.JsonObject;
import messenger.testing.LogWriter;
import messenger.testing.NeedsRabbitMQ;
import messenger.testing.RabbitBroker;
import messenger.testing.TcpProxy;
import messenger.testing.TestApp;
import messenger.testing.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static messenger.testing.User.messages;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole chat log is the history: {@code /history} pages forwards and backwards beyond what an instance holds
 * in memory (here 20 messages), read from the stream, and says when a page reaches the oldest message kept
 * ({@code complete}) and when messages were dropped by the stream's retention ({@code expired}).
 */
@ExtendWith(RabbitBroker.class)
@NeedsRabbitMQ("history beyond memory is read from the stream")
class HistoryPagingTest {

  private static final int MEMORY = 20;

  /** A small memory; limits raised, so that sends and pages are never refused here. */
  private static JsonObject smallMemory() {
    return new JsonObject()
      .put("chat", new JsonObject().put("historySize", MEMORY).put("rateBurst", 1000))
      .put("history", new JsonObject().put("rateBurst", 1000));
  }

  @Test
  void aReaderAwayForThreeMemoryWindowsCatchesUpWithEveryMessageInOrder() {
    try (TestApp app = TestApp.start(smallMemory())) {
      User ann = app.user("ann");
      assertThat(ann.send("seen before the absence").statusCode()).isEqualTo(202);
      awaitNewest(ann, "seen before the absence");
      long lastSeen = ann.history("?limit=1").get(0).getLong("seq");

      List<String> missed = send(ann, 3 * MEMORY + 10, "missed ");
      awaitNewest(ann, "missed " + (3 * MEMORY + 9));

      List<JsonObject> caughtUp = forward(ann, lastSeen, 25);
      assertThat(ids(caughtUp)).containsExactlyElementsOf(missed);
      assertThat(caughtUp).extracting(m -> m.getLong("seq")).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void aFreshInstanceServesACatchUpOlderThanItsOwnStart() {
    String name = "history-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> sent;
    long fifth;
    TestApp first = TestApp.start(name, name + ".log", smallMemory());
    try {
      User ann = first.user("ann");
      sent = new ArrayList<>(send(ann, 5, "early "));
      awaitNewest(ann, "early 4");
      fifth = ann.history("?limit=1").get(0).getLong("seq");
      sent.addAll(send(ann, 3 * MEMORY, "later "));
      awaitNewest(ann, "later " + (3 * MEMORY - 1));
    } finally {
      first.stop();
    }

    try (TestApp fresh = TestApp.start(name, name + ".log", smallMemory())) {
      User bob = fresh.user("bob");
      awaitNewest(bob, "later " + (3 * MEMORY - 1));
      assertThat(ids(forward(bob, fifth, 200))).as("after the 5th message").containsExactlyElementsOf(sent.subList(5, sent.size()));

      JsonObject newest = bob.historyPage("?limit=200");
      assertThat(ids(messages(newest))).as("the newest 200: the whole log").containsExactlyElementsOf(sent);
      assertFlags(newest, true, false);
    }
  }

  @Test
  void beforePagesBackToTheFirstMessageOfTheLogAndThenSaysComplete() {
    try (TestApp app = TestApp.start(smallMemory())) {
      User ann = app.user("ann");
      List<String> sent = send(ann, 3 * MEMORY + 10, "message ");
      awaitNewest(ann, "message " + (3 * MEMORY + 9));

      List<JsonObject> pages = backward(ann, 25);
      assertThat(pages).extracting(p -> messages(p).size()).containsExactly(25, 25, 20);
      assertThat(pages).extracting(p -> p.getBoolean("complete")).containsExactly(false, false, true);
      assertThat(pages).extracting(p -> p.getBoolean("expired")).containsOnly(false);
      assertThat(ids(ascending(pages))).containsExactlyElementsOf(sent);

      long firstSeq = messages(pages.get(pages.size() - 1)).get(0).getLong("seq");
      JsonObject beyond = ann.historyPage("?before=" + firstSeq);
      assertThat(messages(beyond)).isEmpty();
      assertFlags(beyond, true, false);
    }
  }

  /**
   * A stream of at most 50 kB in segments of 10 kB: writing 3000 messages (about 600 kB) makes the broker drop the
   * oldest segments (retention is applied when a segment is full and the next begins). They are written in chunks
   * of 10, so that segments are about 10 kB and the log keeps about 200 messages: the broker ends a segment only
   * between chunks, and written as fast as it confirms them, hundreds of messages went into one chunk (segments of
   * 13 to 47 kB in one chunk each, on 3.10), so retention kept one such segment, fewer messages than memory
   * holds, or none at all (only the broker's own entry that starts a new segment: a consumer at "first" gets nothing).
   */
  @Test
  void rangesDroppedFromTheLogAreReportedExpired() throws Exception {
    JsonObject config = smallMemory().put("rabbitmq", new JsonObject()
      .put("streamMaxLengthBytes", 50_000).put("streamMaxSegmentSizeBytes", 10_000));
    try (TestApp app = TestApp.start(config)) {
      int total = 3000;
      List<String> written = write(app, total, 10);
      User ann = app.user("ann");
      awaitNewest(ann, "message " + (total - 1));
      long first = RabbitBroker.firstOffset(app.stream);
      assertThat(first).as("the log's first offset after retention").isGreaterThan(1000);

      JsonObject expired = ann.historyPage("?after=0&limit=50");
      assertFlags(expired, true, true); // complete: it starts at the oldest message kept
      long oldestKept = messages(expired).get(0).getLong("seq");
      assertThat(oldestKept).as("the oldest message kept (in the log, or still in memory)").isLessThanOrEqualTo(first);

      List<String> kept = ids(forward(ann, 0, 50));
      assertThat(kept).as("every message kept, in order").hasSizeGreaterThan(MEMORY)
        .containsExactlyElementsOf(written.subList(written.size() - kept.size(), written.size()));

      JsonObject held = ann.historyPage("?after=" + oldestKept + "&limit=50");
      assertFlags(held, false, false);

      List<JsonObject> pages = backward(ann, 200);
      JsonObject oldest = pages.get(pages.size() - 1);
      assertFlags(oldest, true, true); // expired: older messages than the oldest kept existed
      assertThat(ids(ascending(pages))).containsExactlyElementsOf(kept);
      JsonObject beyond = ann.historyPage("?before=" + oldestKept);
      assertThat(messages(beyond)).isEmpty();
      assertFlags(beyond, true, true);
    }
  }

  /**
   * A read that retention overtakes says so. RabbitMQ 3.10 moves a consumer that reaches the end of a segment
   * deleted under it to the log's new first offset, past whatever was dropped meanwhile. Here a page's read starts
   * in the oldest segment, which holds nothing but one chat message and then entries of another client; the
   * broker's answers wait in a proxy (the consumer, paused by its prefetch, stays in that segment) while a writer
   * makes retention drop it and the next ones; then the read goes on. The page must say {@code expired} for the
   * messages it skips, not pass them off as never written.
   */
  @Test
  void aReadThatRetentionOvertakesSaysExpired() throws Exception {
    try (TcpProxy proxy = TcpProxy.toBroker(true)) {
      JsonObject config = smallMemory().put("rabbitmq", new JsonObject().put("uri", proxy.uri())
        .put("readerStallMs", 120_000) // the live reader waits behind the proxy too: no reconnect meanwhile
        .put("streamMaxLengthBytes", 200_000).put("streamMaxSegmentSizeBytes", 10_000));
      config.getJsonObject("history").put("readTimeoutMs", 60_000).put("cacheBlocks", 0);
      try (TestApp app = TestApp.start(config)) {
        int units = 100;
        try (LogWriter log = LogWriter.to(app.exchange)) {
          log.chat("m-0", "writer", "message 0");
          for (int i = 0; i < 200; i++) { // two segments of other entries
            log.other("not a chat message");
          }
          for (int i = 1; i < units; i++) {
            log.chat("m-" + i, "writer", "message " + i);
            for (int other = 0; other < 3; other++) {
              log.other("not a chat message");
            }
          }
        }
        User ann = app.user("ann");
        awaitNewest(ann, "message " + (units - 1));
        assertThat(RabbitBroker.firstOffset(app.stream)).as("nothing dropped yet").isZero();
        String page = "?after=0&limit=1"; // reads with a prefetch of 2: the consumer stops two entries in
        JsonObject before = ann.historyPage(page);
        assertThat(indexes(messages(before))).containsExactly(1);
        assertFlags(before, false, false);

        proxy.holdAnswers();
        java.util.concurrent.CompletableFuture<JsonObject> reading =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> ann.historyPage(page));
        // Its read of the stream has begun (its consumer starts a moment later, long before retention drops anything).
        await().atMost(Duration.ofSeconds(10)).until(() -> app.metrics().lines()
          .anyMatch(line -> line.startsWith("messenger_history_reads{") && line.contains("state=\"reading\"") && !line.endsWith(" 0.0")));
        // Until the broker dropped the first segments and the chat messages after them (m-1 is at 201), not all the
        // read is to cover (it ends where memory begins, at m-80).
        try (LogWriter log = LogWriter.to(app.exchange)) {
          for (int i = units; RabbitBroker.firstOffset(app.stream) < 300; i += 25) {
            assertThat(i).as("messages written to make the broker drop the first segment").isLessThan(units + 2000);
            for (int k = i; k < i + 25; k++) {
              log.chat("m-" + k, "writer", "message " + k);
              for (int other = 0; other < 3; other++) {
                log.other("not a chat message");
              }
            }
            log.confirmed();
          }
        }
        proxy.resume();

        JsonObject overtaken = reading.get(60, java.util.concurrent.TimeUnit.SECONDS);
        List<Integer> got = indexes(messages(overtaken));
        assertThat(got).as("the read went on past dropped messages").hasSize(1).allMatch(i -> i > 25);
        assertThat(overtaken.getBoolean("expired")).as("expired, for the messages it skipped: " + got).isTrue();
      }
    }
  }

  private static List<Integer> indexes(List<JsonObject> messages) {
    return messages.stream().map(m -> Integer.parseInt(m.getString("id").substring(2))).toList();
  }

  /**
   * Paging forwards from the oldest message kept while a writer makes the broker drop segment after segment under
   * the reads (a log of 50 kB in segments of 10 kB, turned over many times): a page may start later than asked, or
   * go on after a gap, only when it says {@code expired}; never silently. Then every message is there once.
   */
  @Test
  void pagingWhileRetentionDropsSegmentsUnderTheReadsReportsEveryGap() throws Exception {
    JsonObject config = smallMemory().put("rabbitmq", new JsonObject()
      .put("streamMaxLengthBytes", 50_000).put("streamMaxSegmentSizeBytes", 10_000));
    config.getJsonObject("history").put("ratePerSecond", 1000);
    try (TestApp app = TestApp.start(config)) {
      int total = 20_000;
      java.util.concurrent.CompletableFuture<List<String>> writing =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return write(app, total);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      User ann = app.user("ann");
      long after = 0;
      // The index of the last message paged. The log is new and written in order, so m-0 is at seq 0, which
      // `after=0` leaves out: the first page begins with m-1, or says expired.
      int last = 0;
      int pages = 0;
      List<String> silent = new ArrayList<>();
      while (last < total - 1) {
        assertThat(pages++).as("pages").isLessThan(20_000);
        JsonObject page = ann.historyPage("?after=" + after + "&limit=50");
        List<JsonObject> messages = messages(page);
        for (JsonObject m : messages) {
          int index = Integer.parseInt(m.getString("id").substring(2));
          if (index != last + 1 && !page.getBoolean("expired")) {
            silent.add("m-" + (last + 1) + " to m-" + (index - 1) + " skipped in a page after " + after + " not expired");
          }
          assertThat(index).as("in order, once").isGreaterThan(last);
          last = index;
        }
        if (!messages.isEmpty()) {
          after = messages.get(messages.size() - 1).getLong("seq");
        }
        if (messages.size() < 50 && last < total - 1) { // caught up with what the app has read
          if (writing.isDone()) {
            awaitNewest(ann, "message " + (total - 1));
          } else {
            try {
              writing.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillWriting) {
              // page on
            }
          }
        }
      }
      writing.get();
      assertThat(silent).as("gaps in pages that did not say expired").isEmpty();
    }
  }

  /**
   * Seqs are the stream's offsets, and an offset may hold something that is no chat message (written by another
   * client; with rooms, another room's): pages count chat messages only, and going backwards reads wider windows.
   * A retried send that the broker stored twice is in a page once.
   */
  @Test
  void pagesSkipSeqsWithoutAChatMessageAndHoldARetriedMessageOnce() throws Exception {
    try (TestApp app = TestApp.start(smallMemory())) {
      List<String> chat = new ArrayList<>();
      try (LogWriter log = LogWriter.to(app.exchange)) {
        for (int i = 0; i < 3 * MEMORY; i++) {
          log.chat("g-" + i, "writer", "message " + i);
          chat.add("g-" + i);
          if (i == 33) {
            log.chat("g-33", "writer", "message 33"); // the broker stored a retried send twice
          }
          for (int other = 0; other < 3; other++) {
            log.other("not a chat message");
          }
        }
      }
      User ann = app.user("ann");
      awaitNewest(ann, "message " + (3 * MEMORY - 1));

      assertThat(ids(ascending(backward(ann, 15)))).containsExactlyElementsOf(chat);
      long firstSeq = ann.history("?limit=200").get(0).getLong("seq");
      assertThat(ids(forward(ann, firstSeq, 15))).containsExactlyElementsOf(chat.subList(1, chat.size()));
    }
  }

  /** A page's {@code complete} and {@code expired}. */
  private static void assertFlags(JsonObject page, boolean complete, boolean expired) {
    assertThat(page.getBoolean("complete")).as("complete").isEqualTo(complete);
    assertThat(page.getBoolean("expired")).as("expired").isEqualTo(expired);
  }

  /** Waits until the newest message is this one: a page from memory, so nothing reads the stream meanwhile. */
  private static void awaitNewest(User user, String text) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
      assertThat(user.history("?limit=1")).extracting(m -> m.getString("text")).containsExactly(text));
  }

  private static List<String> send(User user, int count, String prefix) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString();
      assertThat(user.send(prefix + i, id).statusCode()).isEqualTo(202);
      ids.add(id);
    }
    return ids;
  }

  /** Chat messages written straight to the exchange, as fast as the broker confirms them. */
  private static List<String> write(TestApp app, int count) throws Exception {
    return write(app, count, 0);
  }

  /** Chat messages written straight to the exchange, in chunks of at most {@code chunk} (0: as they come). */
  private static List<String> write(TestApp app, int count, int chunk) throws Exception {
    try (LogWriter log = LogWriter.to(app.exchange)) {
      return IntStream.range(0, count).mapToObj(i -> {
        try {
          if (chunk > 0 && i > 0 && i % chunk == 0) {
            log.confirmed();
          }
          log.chat("m-" + i, "writer", "message " + i);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return "m-" + i;
      }).toList();
    }
  }

  /** Pages forwards from {@code after} until a page is shorter than {@code limit}: the caught-up reader. */
  static List<JsonObject> forward(User user, long after, int limit) {
    List<JsonObject> all = new ArrayList<>();
    for (int pages = 0; pages < 10_000; pages++) {
      List<JsonObject> page = messages(user.historyPage("?after=" + after + "&limit=" + limit));
      all.addAll(page);
      if (page.size() < limit) {
        return all;
      }
      after = page.get(page.size() - 1).getLong("seq");
    }
    throw new AssertionError("no end after 10 000 pages");
  }

  /** Pages backwards from the newest until a page says {@code complete}: the pages, newest first. */
  static List<JsonObject> backward(User user, int limit) {
    List<JsonObject> pages = new ArrayList<>();
    JsonObject page = user.historyPage("?limit=" + limit);
    pages.add(page);
    while (!page.getBoolean("complete")) {
      assertThat(messages(page)).as("a page that is not complete has messages").isNotEmpty();
      assertThat(pages).as("pages before the start").hasSizeLessThan(10_000);
      page = user.historyPage("?before=" + messages(page).get(0).getLong("seq") + "&limit=" + limit);
      pages.add(page);
    }
    return pages;
  }

  /** The messages of pages listed newest first, oldest first. */
  private static List<JsonObject> ascending(List<JsonObject> newestFirst) {
    List<JsonObject> all = new ArrayList<>();
    List<JsonObject> pages = new ArrayList<>(newestFirst);
    Collections.reverse(pages);
    pages.forEach(p -> all.addAll(messages(p)));
    return all;
  }

  private static List<String> ids(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getString("id")).toList();
  }
}
