package messenger.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import messenger.bus.ChatRequests.HistoryPage;
import messenger.bus.ChatRequests.HistoryQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records travel between verticles by reference, and can never be serialised for another process. */
class BusTest {

  private Vertx vertx;

  @BeforeEach
  void install() {
    vertx = Vertx.vertx();
    Bus.install(vertx);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRequestAndItsReplyArriveAsTheVeryRecordsSent() {
    HistoryQuery query = new HistoryQuery("general", HistoryQuery.Direction.AFTER, 41, 50, "login-1");
    HistoryPage page = new HistoryPage(new JsonArray().add("m"), false, false);
    AtomicReference<Object> received = new AtomicReference<>();
    vertx.eventBus().<HistoryQuery>localConsumer("test.history", msg -> {
      received.set(msg.body());
      msg.reply(page);
    }).completion().await();

    Object reply = vertx.eventBus().request("test.history", query, Bus.LOCAL).await().body();
    assertThat(received.get()).isSameAs(query);
    assertThat(reply).isSameAs(page);
  }

  @Test
  void aRecordIsNeverEncodedForTheWire() {
    Bus.LocalCodec codec = new Bus.LocalCodec();
    assertThatThrownBy(() -> codec.encodeToWire(Buffer.buffer(), new LoggedOut("ada", "login-1", 0)))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("LoggedOut");
    assertThatThrownBy(() -> codec.decodeFromWire(0, Buffer.buffer())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void jsonKeepsItsOwnCodec() {
    AtomicReference<Object> received = new AtomicReference<>();
    vertx.eventBus().<JsonObject>localConsumer("test.json", msg -> {
      received.set(msg.body());
      msg.reply(null);
    }).completion().await();
    JsonObject sent = new JsonObject().put("user", "ada");
    vertx.eventBus().request("test.json", sent, Bus.LOCAL).await();
    assertThat(received.get()).isEqualTo(sent).isNotSameAs(sent); // the JSON codec copies
  }

  @Test
  void installingAgainKeepsRecordsFlowing() {
    Bus.install(vertx);
    LoggedOut event = new LoggedOut("ada", "login-1", 0);
    AtomicReference<Object> received = new AtomicReference<>();
    vertx.eventBus().<LoggedOut>localConsumer("test.logout", msg -> {
      received.set(msg.body());
      msg.reply(null);
    }).completion().await();
    vertx.eventBus().request("test.logout", event, Bus.LOCAL).await();
    assertThat(received.get()).isSameAs(event);
  }
}
