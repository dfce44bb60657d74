package messenger.rabbit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import com.rabbitmq.client.Envelope;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQMessage;
import messenger.chat.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What is written on AMQP reads back as the same chat message; what is not a chat message reads as nothing. */
class WireFormatRoundTripTest {

  private static RabbitMQMessage delivery(BasicProperties properties, String body) {
    return new RabbitMQMessage() {
      @Override
      public Buffer body() {
        return Buffer.buffer(body);
      }

      @Override
      public String consumerTag() {
        return "test";
      }

      @Override
      public Envelope envelope() {
        return new Envelope(1, false, "messenger", "");
      }

      @Override
      public BasicProperties properties() {
        return properties;
      }

      @Override
      public Integer messageCount() {
        return null;
      }
    };
  }

  @Test
  void aWrittenMessageReadsBackWithItsSenderTimeAndText() {
    AMQP.BasicProperties written = WireFormat.properties("id-1", "ada", null, "ops", 1_764_300_000_000L);
    assertThat(written.getContentType()).isEqualTo("text/plain");
    assertThat(written.getContentEncoding()).isEqualTo("utf-8");
    assertThat(written.getDeliveryMode()).isEqualTo(2);
    assertThat(written.getTimestamp()).isEqualTo(new Date(1_764_300_000_000L));
    assertThat(written.getHeaders()).containsEntry("sender", "ada").containsEntry("room", "ops")
      .containsEntry("sent-at", 1_764_300_000_000L);

    ChatMessage read = WireFormat.read(41, delivery(written, WireFormat.body("héllo 😀").toString()));
    assertThat(read).isEqualTo(new ChatMessage(41, "id-1", "ops", "ada", "héllo 😀", 1_764_300_000_000L));
  }

  @Test
  void aSignedInSendersAccountIdTravelsInTheSenderIdHeader() {
    AMQP.BasicProperties written = WireFormat.properties("id-3", "ada", "c2lnbmVkLWluLWFkYQ", "general", 1_764_300_000_000L);
    assertThat(written.getHeaders()).containsEntry("sender", "ada").containsEntry("sender-id", "c2lnbmVkLWluLWFkYQ");
    ChatMessage read = WireFormat.read(42, delivery(written, "hi"));
    assertThat(read.senderId()).isEqualTo("c2lnbmVkLWluLWFkYQ");
    assertThat(read.toJson().getString("senderId")).isEqualTo("c2lnbmVkLWluLWFkYQ");

    AMQP.BasicProperties nameOnly = WireFormat.properties("id-4", "bob", null, "general", 1_764_300_000_000L);
    assertThat(nameOnly.getHeaders()).doesNotContainKey("sender-id");
    assertThat(WireFormat.read(43, delivery(nameOnly, "hi")).toJson().containsKey("senderId")).isFalse();
  }

  @Test
  void withoutSentAtTheTimestampPropertyGivesTheTime() {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("id-2")
      .headers(Map.of("sender", "bob")).timestamp(new Date(5_000)).build();
    assertThat(WireFormat.read(7, delivery(props, "hi")).ts()).isEqualTo(5_000);
  }

  @Test
  void aMessageWithoutARoomIsGeneralsAndOneNamingARoomThatCannotExistIsNoChatMessage() {
    AMQP.BasicProperties noRoom = new AMQP.BasicProperties.Builder().messageId("id-3").headers(Map.of("sender", "bob")).build();
    assertThat(WireFormat.read(8, delivery(noRoom, "hi")).room()).isEqualTo("general");
    AMQP.BasicProperties badRoom = new AMQP.BasicProperties.Builder().messageId("id-4")
      .headers(Map.of("sender", "bob", "room", "Not A Room")).build();
    assertThat(WireFormat.read(9, delivery(badRoom, "hi"))).isNull();
  }

  @Test
  void aMessageWithoutIdOrSenderIsNotAChatMessage() {
    assertThat(WireFormat.read(1, delivery(new AMQP.BasicProperties.Builder().headers(Map.of("sender", "bob")).build(), "x"))).isNull();
    assertThat(WireFormat.read(1, delivery(new AMQP.BasicProperties.Builder().messageId("id").build(), "x"))).isNull();
  }

  @Test
  void theStreamOffsetIsReadFromItsHeader() {
    Map<String, Object> headers = new HashMap<>(Map.of("sender", "bob"));
    assertThat(StreamEnd.offset(delivery(new AMQP.BasicProperties.Builder().headers(headers).build(), "x"))).isNull();
    headers.put("x-stream-offset", 1234L);
    assertThat(StreamEnd.offset(delivery(new AMQP.BasicProperties.Builder().headers(headers).build(), "x"))).isEqualTo(1234L);
  }
}
